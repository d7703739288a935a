import { Column, Entity } from 'typeorm';
import { TeamOwnedTimestampedEntity } from './columns';

@Entity({ name: 'projects' })
export class ProjectEntity extends TeamOwnedTimestampedEntity {
  @Column('text')
  name: string;

  @Column('text')
  description: string;
}
