import { Column, Entity } from 'typeorm';
import { TimestampedEntity } from './columns';

@Entity({ name: 'teams' })
export class TeamEntity extends TimestampedEntity {
  @Column('text')
  name: string;
}
