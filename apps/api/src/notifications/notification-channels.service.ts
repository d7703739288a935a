import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  AuditAction,
  type CreatedNotificationChannelResponse,
  ErrorCode,
  type FieldError,
  JobName,
  NOTIFICATION_CHANNEL_SECRETS,
  NOTIFICATION_LIMITS,
  type NotificationChannelDto,
  type NotificationChannelKind,
  type NotificationDeliveryDto,
  type NotificationEventKind,
  type NotificationTestJob,
  type NotificationTestResultDto,
  type PageQuery,
  type Paginated,
} from '@zpanel/contracts';
import {
  AddressPolicy,
  type AppConfig,
  AppException,
  InjectConfig,
  type NotificationUrlUse,
  SecretBox,
  accessTokenProblem,
  emailAddressProblem,
  emailRecipientsProblem,
  eventKindsProblem,
  filterIdsProblem,
  newSigningSecret,
  notificationUrlHost,
  notificationUrlProblem,
  ntfyTopicProblem,
  portProblem,
  signingSecretProblem,
  smtpHostProblem,
  smtpPasswordProblem,
  smtpSecurityProblem,
  smtpUsernameProblem,
  telegramBotTokenProblem,
  telegramChatIdProblem,
} from '@zpanel/core';
import {
  EnvironmentsRepository,
  type NotificationChannelEntity,
  type NotificationChannelFields,
  NotificationChannelsRepository,
  NotificationDeliveriesRepository,
  ProjectsRepository,
  type TeamScope,
  notificationChannelSecretsAad,
  notificationTestSecretsAad,
} from '@zpanel/database';
import { JobProducer } from '@zpanel/queue';
import { DataSource } from 'typeorm';
import type { Caller } from '../access/caller';
import { PG_UNIQUE_VIOLATION, violatedConstraint } from '../applications/pg-errors';
import { AuditService } from '../audit/audit.service';
import { pageWindow, paginated } from '../http/pagination';
import type { CreateNotificationChannelDto, TestNotificationChannelDto, UpdateNotificationChannelDto } from './notification-channels.dto';

type Settings = Record<string, unknown>;
type Secrets = Record<string, string>;

/** Each kind's settings fields (NotificationChannelSettings); anything else in `settings` is refused. */
const SETTINGS_FIELDS: { readonly [K in NotificationChannelKind]: readonly string[] } = {
  email: ['host', 'port', 'security', 'username', 'from', 'to'],
  slack: [],
  mattermost: [],
  discord: [],
  telegram: ['chatId'],
  ntfy: ['serverUrl', 'topic'],
  webhook: ['url'],
};

/** Secrets a channel of the kind cannot be without (a webhook's signing secret is generated on create when left out). */
const REQUIRED_SECRETS: { readonly [K in NotificationChannelKind]: readonly string[] } = {
  email: [],
  slack: ['webhookUrl'],
  mattermost: ['webhookUrl'],
  discord: ['webhookUrl'],
  telegram: ['botToken'],
  ntfy: [],
  webhook: ['signingSecret'],
};

const DEFAULT_SMTP_PORTS: Record<string, number> = { starttls: 587, tls: 465, none: 25 };
const NEW_CHANNEL_NAME = 'New channel';

/** Slack and Discord serve their webhooks over https only; a self-hosted Mattermost may have no TLS on a LAN. */
const webhookUrlUse = (kind: NotificationChannelKind): NotificationUrlUse => (kind === 'mattermost' ? 'webhook' : 'https-webhook');

const SECRET_RULES: Record<string, (value: unknown, kind: NotificationChannelKind) => string | null> = {
  password: smtpPasswordProblem,
  webhookUrl: (value, kind) => notificationUrlProblem(value, webhookUrlUse(kind)),
  botToken: telegramBotTokenProblem,
  accessToken: accessTokenProblem,
  signingSecret: signingSecretProblem,
};

const nameTaken = (name: string) =>
  new AppException(ErrorCode.Conflict, `A notification channel named ${name} exists already`, [
    { field: 'name', message: `name ${name} is already used by another notification channel of the team` },
  ]);

/** One request's field problems, collected so that every bad field is named at once. */
class Problems {
  readonly list: FieldError[] = [];

  add(field: string, problem: string | null): void {
    if (problem) this.list.push({ field, message: `${field} ${problem}` });
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw AppException.validation(this.list);
  }
}

/**
 * A team's notification channels (docs/notifications.md, "Channels"): each kind's settings and
 * secrets are checked field by field (@zpanel/core channel-fields), the filters against the team's
 * own projects and environments, then the hosts the channel would connect to against the outbound
 * address policy; nothing is saved unless all pass. Secrets are one sealed JSON object bound to the
 * channel and never returned. "Send test" runs on the worker (`notification.test`) and answers in
 * the receiver's words. Callers are authorized on the channel (or its team) first.
 */
@Injectable()
export class NotificationChannelsService {
  private readonly addresses: AddressPolicy;
  private readonly testTimeoutMs: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly channels: NotificationChannelsRepository,
    private readonly deliveries: NotificationDeliveriesRepository,
    private readonly projects: ProjectsRepository,
    private readonly environments: EnvironmentsRepository,
    private readonly audit: AuditService,
    private readonly jobs: JobProducer,
    private readonly box: SecretBox,
    @InjectConfig() config: AppConfig,
  ) {
    this.addresses = new AddressPolicy(config.network);
    // One attempt's limit on the worker, plus the queue's round trip.
    this.testTimeoutMs = config.notifications.timeoutMs + 10_000;
  }

  async list(team: TeamScope): Promise<NotificationChannelDto[]> {
    return (await this.channels.listOf(team)).map(toDto);
  }

  async get(team: TeamScope, id: string): Promise<NotificationChannelDto> {
    return toDto(await this.channels.get(team, id));
  }

  async create(caller: Caller, team: TeamScope, body: CreateNotificationChannelDto): Promise<CreatedNotificationChannelResponse> {
    const kind = body.kind;
    const problems = new Problems();
    const settings = checkedSettings(problems, kind, body.settings ?? {}, body.settings ?? {});
    const secrets = checkedSecrets(problems, kind, body.secrets ?? {});
    let generated: string | undefined;
    if (kind === 'webhook' && secrets.signingSecret === undefined && !problems.list.some((p) => p.field === 'secrets.signingSecret')) {
      generated = newSigningSecret();
      secrets.signingSecret = generated;
    }
    requireSecrets(problems, kind, secrets);
    checkLogin(problems, kind, settings, secrets);
    problems.add('events', eventKindsProblem(body.events));
    problems.add('projectIds', body.projectIds === undefined ? null : filterIdsProblem(body.projectIds));
    problems.add('environmentIds', body.environmentIds === undefined ? null : filterIdsProblem(body.environmentIds));
    problems.throwIfAny();
    const projectIds = await this.ownFilter(problems, team, 'projectIds', body.projectIds);
    const environmentIds = await this.ownFilter(problems, team, 'environmentIds', body.environmentIds);
    problems.throwIfAny();
    await this.checkAddresses(kind, settings, secrets, null);

    if ((await this.channels.countOf(team)) >= NOTIFICATION_LIMITS.channelsPerTeam)
      throw new AppException(ErrorCode.Conflict, `A team has at most ${NOTIFICATION_LIMITS.channelsPerTeam} notification channels`);
    if (await this.channels.nameTaken(team, body.name)) throw nameTaken(body.name);

    const id = randomUUID();
    const fields: NotificationChannelFields = {
      name: body.name,
      kind,
      enabled: body.enabled ?? true,
      settings,
      ...this.sealed(id, secrets),
      events: body.events,
      projectIds: projectIds ?? null,
      environmentIds: environmentIds ?? null,
    };
    try {
      await this.dataSource.transaction(async (manager) => {
        await this.channels.in(manager).add(team, id, fields);
        await this.audit.recordInTeam(manager, team, caller, {
          action: AuditAction.NotificationChannelCreated,
          target: { type: 'notification_channel', id },
          metadata: { name: body.name, kind, events: body.events },
        });
      });
    } catch (error) {
      if (violatedConstraint(error, PG_UNIQUE_VIOLATION)) throw nameTaken(body.name);
      throw error;
    }
    const created = await this.get(team, id);
    return generated === undefined ? created : { ...created, signingSecret: generated };
  }

  async update(caller: Caller, team: TeamScope, id: string, body: UpdateNotificationChannelDto): Promise<NotificationChannelDto> {
    const current = await this.channels.get(team, id);
    const kind = current.kind;
    const problems = new Problems();
    const settings =
      body.settings === undefined ? current.settings : checkedSettings(problems, kind, { ...current.settings, ...body.settings }, body.settings);
    let secrets: Secrets | undefined;
    if (body.secrets !== undefined) {
      secrets = { ...(await this.openSecrets(team, id)) };
      const replaced = checkedSecrets(problems, kind, body.secrets, true);
      for (const [field, value] of Object.entries(body.secrets)) {
        if (value === null) {
          if (REQUIRED_SECRETS[kind].includes(field)) problems.add(`secrets.${field}`, `is required for a ${kind} channel and cannot be cleared`);
          delete secrets[field];
        } else if (replaced[field] !== undefined) secrets[field] = replaced[field];
      }
      requireSecrets(problems, kind, secrets);
    }
    checkLogin(problems, kind, settings, secrets ?? Object.fromEntries(current.secretsSet.map((field) => [field, 'set'])));
    if (body.events !== undefined) problems.add('events', eventKindsProblem(body.events));
    problems.add('projectIds', body.projectIds === undefined ? null : filterIdsProblem(body.projectIds));
    problems.add('environmentIds', body.environmentIds === undefined ? null : filterIdsProblem(body.environmentIds));
    problems.throwIfAny();
    const projectIds = await this.ownFilter(problems, team, 'projectIds', body.projectIds);
    const environmentIds = await this.ownFilter(problems, team, 'environmentIds', body.environmentIds);
    problems.throwIfAny();
    // Only what is sent is checked again: a host that was allowed when saved is checked at each send anyway.
    await this.checkAddresses(kind, settings, secrets ?? {}, {
      settings: Object.keys(body.settings ?? {}),
      secrets: Object.keys(body.secrets ?? {}),
    });
    if (body.name !== undefined && body.name !== current.name && (await this.channels.nameTaken(team, body.name, id))) throw nameTaken(body.name);

    const changes: Partial<NotificationChannelFields> = {};
    const changed: string[] = [];
    const set = <K extends keyof NotificationChannelFields>(key: K, value: NotificationChannelFields[K], label: string = key) => {
      if (JSON.stringify(value) === JSON.stringify(current[key])) return;
      changes[key] = value;
      changed.push(label);
    };
    if (body.name !== undefined) set('name', body.name);
    if (body.enabled !== undefined) set('enabled', body.enabled);
    if (body.settings !== undefined) {
      for (const field of Object.keys(body.settings))
        if (JSON.stringify(settings[field]) !== JSON.stringify(current.settings[field])) changed.push(`settings.${field}`);
      if (JSON.stringify(settings) !== JSON.stringify(current.settings)) changes.settings = settings;
    }
    if (secrets !== undefined) {
      Object.assign(changes, this.sealed(id, secrets));
      changed.push(...Object.keys(body.secrets ?? {}).map((field) => `secrets.${field}`));
    }
    if (body.events !== undefined) set('events', body.events);
    if (projectIds !== undefined) set('projectIds', projectIds);
    if (environmentIds !== undefined) set('environmentIds', environmentIds);

    if (Object.keys(changes).length > 0) {
      try {
        await this.dataSource.transaction(async (manager) => {
          await this.channels.in(manager).change(team, id, changes);
          await this.audit.recordInTeam(manager, team, caller, {
            action: AuditAction.NotificationChannelUpdated,
            target: { type: 'notification_channel', id },
            metadata: { name: changes.name ?? current.name, changed },
          });
        });
      } catch (error) {
        if (violatedConstraint(error, PG_UNIQUE_VIOLATION)) throw nameTaken(body.name ?? current.name);
        throw error;
      }
    }
    return this.get(team, id);
  }

  /** Its deliveries go with it (CASCADE); events stay in the notification centre. */
  async remove(caller: Caller, team: TeamScope, id: string): Promise<void> {
    const current = await this.channels.get(team, id);
    await this.dataSource.transaction(async (manager) => {
      await this.channels.in(manager).deleteOne(team, id);
      await this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.NotificationChannelDeleted,
        target: { type: 'notification_channel', id },
        metadata: { name: current.name, kind: current.kind },
      });
    });
  }

  /** "Send test" of a saved channel, with its sealed secrets as they are stored. */
  async test(team: TeamScope, id: string): Promise<NotificationTestResultDto> {
    const current = await this.channels.get(team, id);
    const sealed = await this.channels.sealedSecrets(team, id);
    if (sealed === undefined) throw new AppException(ErrorCode.NotFound, 'No such notification channel');
    return this.runTest({
      teamId: team.teamId,
      channelName: current.name,
      kind: current.kind,
      settings: current.settings,
      sealedSecrets: sealed,
      secretsAad: notificationChannelSecretsAad(id),
    });
  }

  /** "Send test" of settings not saved yet: the same checks as saving, the secrets sealed for the job and bound to the team; nothing is saved. */
  async testUnsaved(team: TeamScope, body: TestNotificationChannelDto): Promise<NotificationTestResultDto> {
    const kind = body.kind;
    const problems = new Problems();
    const settings = checkedSettings(problems, kind, body.settings ?? {}, body.settings ?? {});
    const secrets = checkedSecrets(problems, kind, body.secrets ?? {});
    // Signed with a throwaway secret: the receiver sees the real headers and body.
    if (kind === 'webhook' && secrets.signingSecret === undefined && !problems.list.some((p) => p.field === 'secrets.signingSecret'))
      secrets.signingSecret = newSigningSecret();
    requireSecrets(problems, kind, secrets);
    checkLogin(problems, kind, settings, secrets);
    problems.throwIfAny();
    await this.checkAddresses(kind, settings, secrets, null);
    const secretsAad = notificationTestSecretsAad(team.teamId);
    return this.runTest({
      teamId: team.teamId,
      channelName: body.name ?? NEW_CHANNEL_NAME,
      kind,
      settings,
      sealedSecrets: Object.keys(secrets).length === 0 ? null : this.box.seal(JSON.stringify(secrets), secretsAad),
      secretsAad,
    });
  }

  async deliveriesOf(team: TeamScope, id: string, query: PageQuery): Promise<Paginated<NotificationDeliveryDto>> {
    await this.channels.get(team, id);
    const window = pageWindow(query);
    const [rows, total] = await this.deliveries.pageOfChannelWithEvents(team, id, { skip: window.skip, take: window.perPage });
    return paginated(
      rows.map((row) => ({
        id: row.id,
        channelId: row.channelId,
        eventId: row.eventId,
        eventKind: row.eventKind as NotificationEventKind,
        title: row.title,
        status: row.status,
        attempts: row.attempts,
        responseStatus: row.responseStatus,
        lastError: row.lastError,
        nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
        createdAt: row.createdAt.toISOString(),
        finishedAt: row.finishedAt?.toISOString() ?? null,
      })),
      total,
      window,
    );
  }

  /** The filter as stored ([] is null: every event), after checking every id is the team's own; undefined when not sent. */
  private async ownFilter(
    problems: Problems,
    team: TeamScope,
    field: 'projectIds' | 'environmentIds',
    ids: string[] | null | undefined,
  ): Promise<string[] | null | undefined> {
    if (ids === undefined) return undefined;
    if (ids === null || ids.length === 0) return null;
    const normalized = ids.map((id) => id.toLowerCase());
    const own = await (field === 'projectIds' ? this.projects : this.environments).ownIds(team, normalized);
    const missing = normalized.findIndex((id) => !own.has(id));
    if (missing >= 0)
      problems.add(field, `entry ${missing + 1} must be the id of one of the team’s ${field === 'projectIds' ? 'projects' : 'environments'}`);
    return normalized;
  }

  /**
   * The hosts this channel connects to, by the outbound address policy (a URL naming a loopback,
   * link-local or metadata address is refused unless the instance allows it). `only`: check just
   * these fields (those a PATCH sent); null: all. Telegram's origin is the instance's own setting.
   */
  private async checkAddresses(
    kind: NotificationChannelKind,
    settings: Settings,
    secrets: Secrets,
    only: { settings: string[]; secrets: string[] } | null,
  ) {
    const hosts: [string, string][] = [];
    const wanted = (group: 'settings' | 'secrets', field: string) => only === null || only[group].includes(field);
    if (kind === 'email' && wanted('settings', 'host')) hosts.push(['settings.host', settings.host as string]);
    if (kind === 'ntfy' && wanted('settings', 'serverUrl')) hosts.push(['settings.serverUrl', notificationUrlHost(settings.serverUrl as string)]);
    if (kind === 'webhook' && wanted('settings', 'url')) hosts.push(['settings.url', notificationUrlHost(settings.url as string)]);
    if (secrets.webhookUrl !== undefined && wanted('secrets', 'webhookUrl'))
      hosts.push(['secrets.webhookUrl', notificationUrlHost(secrets.webhookUrl)]);
    const problems = new Problems();
    for (const [field, host] of hosts) problems.add(field, await this.addresses.problem(host, 'outbound'));
    problems.throwIfAny();
  }

  private sealed(id: string, secrets: Secrets): Pick<NotificationChannelFields, 'secrets' | 'secretsSet'> {
    const fields = Object.keys(secrets).sort();
    return {
      secrets: fields.length === 0 ? null : this.box.seal(JSON.stringify(secrets), notificationChannelSecretsAad(id)),
      secretsSet: fields,
    };
  }

  private async openSecrets(team: TeamScope, id: string): Promise<Secrets> {
    const sealed = await this.channels.sealedSecrets(team, id);
    if (sealed === undefined) throw new AppException(ErrorCode.NotFound, 'No such notification channel');
    return sealed === null ? {} : (JSON.parse(this.box.open(sealed, notificationChannelSecretsAad(id))) as Secrets);
  }

  private async runTest(job: NotificationTestJob): Promise<NotificationTestResultDto> {
    try {
      return await this.jobs.enqueueAndWait(JobName.NotificationTest, job, this.testTimeoutMs);
    } catch {
      throw new AppException(
        ErrorCode.WorkerUnavailable,
        'The test message was not sent in time: check that the worker runs and the receiver answers',
      );
    }
  }
}

/**
 * The kind's settings from `merged` (a create's body, or the stored settings with a PATCH's over
 * them), each by its rule; `sent` names what the request carried, whose unknown fields are refused.
 */
function checkedSettings(problems: Problems, kind: NotificationChannelKind, merged: Settings, sent: Settings): Settings {
  const allowed = SETTINGS_FIELDS[kind];
  for (const field of Object.keys(sent)) {
    if (!allowed.includes(field))
      problems.add(
        `settings.${field}`,
        allowed.length === 0 ? `is not a setting of a ${kind} channel (it has none)` : `is not a setting of a ${kind} channel`,
      );
  }
  const required = (field: string, rule: (value: unknown) => string | null) =>
    problems.add(`settings.${field}`, merged[field] === undefined ? `is required for a ${kind} channel` : rule(merged[field]));
  switch (kind) {
    case 'email': {
      const security = merged.security ?? 'starttls';
      problems.add('settings.security', smtpSecurityProblem(security));
      const port = merged.port ?? (typeof security === 'string' && Object.hasOwn(DEFAULT_SMTP_PORTS, security) ? DEFAULT_SMTP_PORTS[security] : 587);
      problems.add('settings.port', portProblem(port));
      required('host', smtpHostProblem);
      const username = merged.username ?? null;
      if (username !== null) problems.add('settings.username', smtpUsernameProblem(username));
      required('from', emailAddressProblem);
      required('to', emailRecipientsProblem);
      return { host: merged.host, port, security, username, from: merged.from, to: merged.to };
    }
    case 'telegram':
      required('chatId', telegramChatIdProblem);
      return { chatId: merged.chatId };
    case 'ntfy':
      required('serverUrl', (value) => notificationUrlProblem(value, 'ntfy-server'));
      required('topic', ntfyTopicProblem);
      return { serverUrl: merged.serverUrl, topic: merged.topic };
    case 'webhook':
      required('url', (value) => notificationUrlProblem(value, 'webhook'));
      return { url: merged.url };
    default:
      return {};
  }
}

/** The secrets sent, each by its rule; `nullable`: a PATCH, where null clears one (handled by the caller). */
function checkedSecrets(problems: Problems, kind: NotificationChannelKind, sent: Record<string, unknown>, nullable = false): Secrets {
  const allowed = NOTIFICATION_CHANNEL_SECRETS[kind];
  const secrets: Secrets = {};
  for (const [field, value] of Object.entries(sent)) {
    if (!allowed.includes(field)) {
      problems.add(`secrets.${field}`, `is not a secret of a ${kind} channel`);
      continue;
    }
    if (value === null && nullable) continue;
    const problem = SECRET_RULES[field](value, kind);
    problems.add(`secrets.${field}`, problem);
    if (problem === null) secrets[field] = value as string;
  }
  return secrets;
}

function requireSecrets(problems: Problems, kind: NotificationChannelKind, secrets: Secrets): void {
  for (const field of REQUIRED_SECRETS[kind]) {
    if (secrets[field] === undefined && !problems.list.some((p) => p.field === `secrets.${field}`))
      problems.add(`secrets.${field}`, `is required for a ${kind} channel`);
  }
}

/** An SMTP login is a user name and a password together. */
function checkLogin(problems: Problems, kind: NotificationChannelKind, settings: Settings, secrets: Secrets): void {
  if (kind !== 'email' || problems.list.some((p) => p.field === 'settings.username' || p.field === 'secrets.password')) return;
  const login = settings.username !== null && settings.username !== undefined;
  if (login && secrets.password === undefined) problems.add('secrets.password', 'is required when settings.username is set');
  if (!login && secrets.password !== undefined) problems.add('secrets.password', 'needs settings.username (or leave both out for no login)');
}

function toDto(row: NotificationChannelEntity): NotificationChannelDto {
  return {
    id: row.id,
    teamId: row.teamId,
    name: row.name,
    kind: row.kind,
    enabled: row.enabled,
    settings: row.settings as NotificationChannelDto['settings'],
    secretsSet: row.secretsSet,
    events: row.events,
    projectIds: row.projectIds,
    environmentIds: row.environmentIds,
    failingSince: row.failingSince?.toISOString() ?? null,
    consecutiveFailures: row.consecutiveFailures,
    lastDeliveryAt: row.lastDeliveryAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
