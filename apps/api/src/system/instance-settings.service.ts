import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  AuditAction,
  ErrorCode,
  type FieldError,
  INSTANCE_SETTINGS_LIMITS,
  type InstanceSettingsDto,
  type NotificationTestResultDto,
} from '@zpanel/contracts';
import { AddressPolicy, type AppConfig, AppException, InjectConfig, SecretBox } from '@zpanel/core';
import { InstanceRepository, type InstanceSettingsRow, type InstanceSmtpSettings, instanceSmtpPasswordAad } from '@zpanel/database';
import { DataSource } from 'typeorm';
import type { Caller } from '../access/caller';
import type { InstanceOperator } from '../access/instance-operators.service';
import { AuditService } from '../audit/audit.service';
import { Mailer } from '../mail/mailer.service';
import type { UpdateInstanceSettingsDto } from './instance-settings.dto';

/** The worker sends within its SMTP timeout; this covers a queue wait on top. */
const TEST_TIMEOUT_MS = 30_000;

/**
 * `publicUrl` as stored: an http(s) origin with an optional path, no credentials, query or
 * fragment, at most 500 characters, without its trailing slash. Throws 400 naming the field.
 */
export function normalizePublicUrl(value: string): string {
  const refuse = (message: string) => AppException.validation([{ field: 'publicUrl', message: `publicUrl ${message}` }]);
  const text = value.trim();
  // The URL parser drops tabs and line breaks silently: refuse what it would change instead.
  if (!/^[\x21-\x7e]+$/.test(text)) throw refuse('must be a URL of printable characters without spaces (a domain in punycode)');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw refuse('must be a URL such as https://zpanel.example.com');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refuse('must start with https:// or http://');
  if (url.username || url.password || /^https?:\/\/[^/]*@/i.test(text)) throw refuse('must not contain credentials');
  if (url.search || url.hash || text.includes('?') || text.includes('#')) throw refuse('must not have a query or a fragment');
  if (!url.hostname) throw refuse('must name a host');
  const normalized = `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  if (normalized.length > INSTANCE_SETTINGS_LIMITS.publicUrlLength)
    throw refuse(`must be at most ${INSTANCE_SETTINGS_LIMITS.publicUrlLength} characters`);
  return normalized;
}

/**
 * The instance's settings (docs/notifications.md, "Instance email"): the public URL that links in
 * emails and notifications start with, and the SMTP server Zpanel sends its own email through. The
 * password is sealed bound to the instance and never returned. Callers are instance operators
 * (checked by the controller).
 */
@Injectable()
export class InstanceSettingsService {
  private readonly addresses: AddressPolicy;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly instance: InstanceRepository,
    private readonly box: SecretBox,
    private readonly audit: AuditService,
    private readonly mailer: Mailer,
    @InjectConfig() config: AppConfig,
  ) {
    this.addresses = new AddressPolicy(config.network);
  }

  async get(): Promise<InstanceSettingsDto> {
    return toDto(await this.row());
  }

  async update(caller: Caller, operator: InstanceOperator, body: UpdateInstanceSettingsDto): Promise<InstanceSettingsDto> {
    const current = await this.row();
    const change: { publicUrl?: string | null; smtp?: InstanceSmtpSettings | null; sealedSmtpPassword?: string | null } = {};
    const changed: string[] = [];
    if (body.publicUrl !== undefined) {
      change.publicUrl = body.publicUrl === null ? null : normalizePublicUrl(body.publicUrl);
      changed.push('publicUrl');
    }
    if (body.smtp === null) {
      change.smtp = null;
      changed.push('smtp');
    } else if (body.smtp !== undefined) {
      const smtp = body.smtp;
      const problem = await this.addresses.problem(smtp.host, 'outbound');
      if (problem) throw AppException.validation([{ field: 'smtp.host', message: `smtp.host ${problem}` } satisfies FieldError]);
      change.smtp = { host: smtp.host.toLowerCase(), port: smtp.port, security: smtp.security, username: smtp.username ?? null, from: smtp.from };
      changed.push('smtp');
      if (typeof smtp.password === 'string') {
        change.sealedSmtpPassword = this.box.seal(smtp.password, instanceSmtpPasswordAad(current.id));
        changed.push('smtp.password');
      } else if (smtp.password === null) {
        change.sealedSmtpPassword = null;
        changed.push('smtp.password');
      } else if (current.sealedSmtpPassword && current.smtp?.host !== change.smtp.host) {
        // The saved password never goes to a server it was not given for: a new host needs it sent again.
        change.sealedSmtpPassword = null;
        changed.push('smtp.password');
      }
    }
    if (changed.length === 0) return toDto(current);
    await this.dataSource.transaction(async (manager) => {
      await this.instance.in(manager).updateSettings(current.id, change);
      await this.audit.recordInTeam(manager, operator.team, caller, {
        action: AuditAction.InstanceSettingsUpdated,
        metadata: { fields: changed, publicUrl: change.publicUrl, smtpHost: change.smtp?.host },
      });
    });
    return this.get();
  }

  /** A test email through the saved settings, answered with the SMTP server's error in words. */
  async test(caller: Caller, operator: InstanceOperator, to: string): Promise<NotificationTestResultDto> {
    const current = await this.row();
    if (!current.smtp)
      throw new AppException(ErrorCode.Conflict, 'Email is off: save the SMTP settings first', [
        { field: 'smtp', message: 'no SMTP settings saved' },
      ]);
    const started = Date.now();
    let result: NotificationTestResultDto;
    try {
      const answer = await this.mailer.sendAndWait(
        {
          to,
          subject: 'Zpanel: test email',
          text: `This is a test email from Zpanel${current.publicUrl ? ` (${current.publicUrl})` : ''}, sent by an instance operator from System, Settings.\nIf it reached you, the instance's SMTP settings work.\n`,
        },
        TEST_TIMEOUT_MS,
      );
      result = answer.sent
        ? { ok: true, status: null, error: null, latencyMs: Date.now() - started }
        : { ok: false, status: null, error: answer.reason, latencyMs: Date.now() - started };
    } catch (error) {
      const words = error instanceof Error && error.message && !/timed out|timeout/i.test(error.message) ? error.message : null;
      result = {
        ok: false,
        status: null,
        error: words ?? 'The worker did not answer in time: check that it runs and that the SMTP server answers',
        latencyMs: Date.now() - started,
      };
    }
    await this.audit.record({ action: AuditAction.InstanceSmtpTested, teamId: operator.team.teamId, actor: caller, metadata: { ok: result.ok } });
    return result;
  }

  private async row(): Promise<InstanceSettingsRow> {
    const row = await this.instance.settings();
    if (!row) throw new Error('instance row missing: migrations have not run');
    return row;
  }
}

function toDto(row: InstanceSettingsRow): InstanceSettingsDto {
  return {
    publicUrl: row.publicUrl,
    smtp: row.smtp ? { ...row.smtp, passwordSet: row.sealedSmtpPassword !== null } : null,
  };
}
