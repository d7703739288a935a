import type { EntityTarget } from 'typeorm';
import { InstanceEntity, type InstanceSmtpSettings } from '../entities';
import { EntityRepository } from './entity-repository';

/** The instance's settings as stored: the SMTP password stays sealed (`instanceSmtpPasswordAad`). */
export interface InstanceSettingsRow {
  id: string;
  publicUrl: string | null;
  smtp: InstanceSmtpSettings | null;
  sealedSmtpPassword: string | null;
}

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

  /** Public URL, SMTP settings and the sealed SMTP password (for the sender and the settings routes only). */
  async settings(): Promise<InstanceSettingsRow | null> {
    const [row] = await this.rows.find({ take: 1, select: { id: true, publicUrl: true, smtp: true, smtpPassword: true } });
    if (!row) return null;
    return { id: row.id, publicUrl: row.publicUrl, smtp: row.smtp, sealedSmtpPassword: row.smtpPassword };
  }

  /** Sets what is given; `smtp: null` also clears the password. */
  async updateSettings(
    id: string,
    change: { publicUrl?: string | null; smtp?: InstanceSmtpSettings | null; sealedSmtpPassword?: string | null },
  ): Promise<void> {
    const values: Partial<InstanceEntity> = {};
    if (change.publicUrl !== undefined) values.publicUrl = change.publicUrl;
    if (change.smtp !== undefined) values.smtp = change.smtp;
    if (change.sealedSmtpPassword !== undefined) values.smtpPassword = change.sealedSmtpPassword;
    if (change.smtp === null) values.smtpPassword = null;
    if (Object.keys(values).length > 0) await this.rows.update({ id }, values);
  }
}
