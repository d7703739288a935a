import type { EntityTarget } from 'typeorm';
import { InstanceEntity } from '../entities';
import { EntityRepository } from './entity-repository';

/** The single row naming this installation, created by the first migration. */
export class InstanceRepository extends EntityRepository<InstanceEntity> {
  protected readonly target: EntityTarget<InstanceEntity> = InstanceEntity;

  async instanceId(): Promise<string | undefined> {
    const [row] = await this.rows.find({ take: 1 });
    return row?.id;
  }
}
