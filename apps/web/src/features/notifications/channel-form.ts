import {
  type CreateNotificationChannelRequest,
  NOTIFICATION_CHANNEL_SECRETS,
  type NotificationChannelDto,
  type NotificationChannelKind,
  type NotificationChannelSecrets,
  type NotificationEventKind,
  NOTIFICATION_EVENT_KINDS,
  type SmtpSecurity,
  type UpdateNotificationChannelRequest,
} from '@zpanel/contracts';
import type { TestNotificationChannelBody } from './api';

export type SecretName = keyof NotificationChannelSecrets;

/** The text fields of the channel form, for every kind (only the kind's own are sent). */
export interface ChannelTextValues {
  name: string;
  host: string;
  port: string;
  username: string;
  from: string;
  to: string;
  chatId: string;
  serverUrl: string;
  topic: string;
  url: string;
  password: string;
  webhookUrl: string;
  botToken: string;
  accessToken: string;
  signingSecret: string;
}

/** What happens to a stored secret on save: kept (not sent), replaced by the typed value, or cleared. */
export type SecretChange = 'keep' | 'replace' | 'clear';

export interface ChannelFormState {
  kind: NotificationChannelKind;
  values: ChannelTextValues;
  security: SmtpSecurity;
  enabled: boolean;
  events: NotificationEventKind[];
  /** null: every project (or environment). */
  projectIds: string[] | null;
  environmentIds: string[] | null;
  secretChanges: Partial<Record<SecretName, SecretChange>>;
}

/** Secrets a channel cannot work without; the others may be left out (ntfy without a token, a webhook's generated secret, SMTP without login). */
export const OPTIONAL_SECRETS: readonly SecretName[] = ['accessToken', 'signingSecret', 'password'];
/** Those a saved channel may drop again (a webhook keeps a signing secret once it has one). */
export const CLEARABLE_SECRETS: readonly SecretName[] = ['accessToken', 'password'];

export const secretsOf = (kind: NotificationChannelKind) => NOTIFICATION_CHANNEL_SECRETS[kind] as readonly SecretName[];

/** Every field name a problem may carry for this form, bare or under `settings.` / `secrets.`. */
export const FORM_FIELDS: readonly string[] = [
  'name',
  'kind',
  'enabled',
  'events',
  'projectIds',
  'environmentIds',
  'settings',
  'secrets',
  ...['host', 'port', 'security', 'username', 'from', 'to', 'chatId', 'serverUrl', 'topic', 'url'].flatMap((f) => [f, `settings.${f}`]),
  ...['password', 'webhookUrl', 'botToken', 'accessToken', 'signingSecret'].flatMap((f) => [f, `secrets.${f}`]),
];

/** A problem's field as the form knows it: `settings.to.1`, `secrets.botToken`, `events[2]` → `to`, `botToken`, `events`. */
const bareField = (name: string) => name.replace(/^(settings|secrets)\./, '').replace(/(\[\d+\]|\.\d+)$/, '');

/** The message of a field, however the API named it. */
export function errorOf(errors: Record<string, string>, field: string): string | undefined {
  return Object.entries(errors).find(([name]) => bareField(name) === field)?.[1];
}

/** The fields of `errors` the form shows under a field (the others go above its buttons). */
export function shownFields(errors: Record<string, string>): string[] {
  return [...FORM_FIELDS, ...Object.keys(errors).filter((name) => FORM_FIELDS.includes(bareField(name)))];
}

export function initialForm(channel?: NotificationChannelDto): ChannelFormState {
  const settings = (channel?.settings ?? {}) as Partial<Record<string, unknown>>;
  const text = (key: string, fallback = '') => (typeof settings[key] === 'string' ? (settings[key] as string) : fallback);
  return {
    kind: channel?.kind ?? 'slack',
    values: {
      name: channel?.name ?? '',
      host: text('host'),
      port: typeof settings.port === 'number' ? String(settings.port) : '587',
      username: text('username'),
      from: text('from'),
      to: Array.isArray(settings.to) ? (settings.to as string[]).join('\n') : '',
      chatId: text('chatId'),
      serverUrl: text('serverUrl', 'https://ntfy.sh'),
      topic: text('topic'),
      url: text('url'),
      password: '',
      webhookUrl: '',
      botToken: '',
      accessToken: '',
      signingSecret: '',
    },
    security: (settings.security as SmtpSecurity | undefined) ?? 'starttls',
    enabled: channel?.enabled ?? true,
    events: channel ? [...channel.events] : [...NOTIFICATION_EVENT_KINDS],
    projectIds: channel?.projectIds ?? null,
    environmentIds: channel?.environmentIds ?? null,
    secretChanges: {},
  };
}

const recipients = (text: string) =>
  text
    .split(/[\n,;]/)
    .map((address) => address.trim())
    .filter(Boolean);

function settingsOf(state: ChannelFormState): Record<string, unknown> {
  const v = state.values;
  switch (state.kind) {
    case 'email':
      return {
        host: v.host.trim(),
        port: Number(v.port),
        security: state.security,
        username: v.username.trim() === '' ? null : v.username.trim(),
        from: v.from.trim(),
        to: recipients(v.to),
      };
    case 'telegram':
      return { chatId: v.chatId.trim() };
    case 'ntfy':
      return { serverUrl: v.serverUrl.trim(), topic: v.topic.trim() };
    case 'webhook':
      return { url: v.url.trim() };
    default:
      return {};
  }
}

function typedSecrets(state: ChannelFormState): NotificationChannelSecrets {
  const secrets: NotificationChannelSecrets = {};
  for (const name of secretsOf(state.kind)) {
    if (state.values[name] !== '') secrets[name] = state.values[name];
  }
  return secrets;
}

/** What "Send test" tries with settings not saved yet: the kind, its settings and the typed secrets. */
export function testBody(state: ChannelFormState): TestNotificationChannelBody {
  const secrets = typedSecrets(state);
  const name = state.values.name.trim();
  return {
    kind: state.kind,
    ...(name === '' ? {} : { name }),
    settings: settingsOf(state) as CreateNotificationChannelRequest['settings'],
    ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
  };
}

/** The body of a create: the typed secrets, none left blank. */
export function createBody(state: ChannelFormState): CreateNotificationChannelRequest {
  const secrets = typedSecrets(state);
  return {
    name: state.values.name.trim(),
    kind: state.kind,
    enabled: state.enabled,
    events: state.events,
    projectIds: state.projectIds,
    environmentIds: state.environmentIds,
    settings: settingsOf(state) as CreateNotificationChannelRequest['settings'],
    ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
  };
}

/** The body of an update: settings as shown; a secret only when replaced (its new value) or cleared (null). */
export function updateBody(state: ChannelFormState, channel: NotificationChannelDto): UpdateNotificationChannelRequest {
  const secrets: NonNullable<UpdateNotificationChannelRequest['secrets']> = {};
  for (const name of secretsOf(state.kind)) {
    const change = channel.secretsSet.includes(name) ? (state.secretChanges[name] ?? 'keep') : 'replace';
    if (change === 'clear') secrets[name] = null;
    if (change === 'replace' && state.values[name] !== '') secrets[name] = state.values[name];
  }
  return {
    name: state.values.name.trim(),
    enabled: state.enabled,
    events: state.events,
    projectIds: state.projectIds,
    environmentIds: state.environmentIds,
    settings: settingsOf(state) as UpdateNotificationChannelRequest['settings'],
    ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
  };
}
