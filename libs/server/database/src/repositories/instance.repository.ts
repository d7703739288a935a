import type { EntityTarget } from 'typeorm';
import { InstanceEntity, type InstanceSmtpSettings } from '../entities';
import { EntityRepository } from './entity-repository';

/** The single row naming this installation, created by the first migration. */
export class InstanceRepository extends EntityRepository<InstanceEntity> {
  protected readonly target: EntityTarget<InstanceEntity> = InstanceEntity;

  async instanceId(): Promise<string | undefined> {
    const [row] = await this.rows.find({ take: 1 });
    return row?.id;
  }

  /** The public URL set in System (no trailing slash), or null: links are then paths only. */
  async publicUrl(): Promise<string | null> {
    const [row] = await this.rows.find({ take: 1, select: { id: true, publicUrl: true } });
    return row?.publicUrl ?? null;
  }

  /** The SMTP settings with the password still sealed (`instanceSmtpPasswordAad(instanceId)`), or null when none are set: for the worker's `mail.send`. */
  async sealedSmtp(): Promise<{ instanceId: string; smtp: InstanceSmtpSettings; sealedPassword: string | null } | null> {
    const [row] = await this.rows.find({ take: 1, select: { id: true, smtp: true, smtpPassword: true } });
    return row?.smtp ? { instanceId: row.id, smtp: row.smtp, sealedPassword: row.smtpPassword ?? null } : null;
  }
}
