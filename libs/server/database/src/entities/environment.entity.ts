import { Column, Entity } from 'typeorm';
import { TeamOwnedCreatedEntity } from './columns';

@Entity({ name: 'environments' })
export class EnvironmentEntity extends TeamOwnedCreatedEntity {
  @Column('uuid', { name: 'project_id' })
  projectId: string;

  @Column('text')
  name: string;
}
