import { Column, Entity } from 'typeorm';
import { TeamOwnedCreatedEntity } from './columns';

@Entity({ name: 'application_domains' })
export class ApplicationDomainEntity extends TeamOwnedCreatedEntity {
  @Column('uuid', { name: 'application_id' })
  applicationId: string;

  @Column('text')
  domain: string;
}
