import { Entity, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn } from './columns';

/** The single row identifying this Zpanel installation (stable across restarts and upgrades). */
@Entity({ name: 'instance' })
export class InstanceEntity {
  @PrimaryColumn('uuid')
  id: string;

  @CreatedAtColumn()
  createdAt: Date;
}
