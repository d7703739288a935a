import { CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** The single row identifying this Zpanel installation (stable across restarts and upgrades). */
@Entity({ name: 'instance' })
export class InstanceEntity {
  @PrimaryColumn('uuid')
  id: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
