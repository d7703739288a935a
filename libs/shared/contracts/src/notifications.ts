/**
 * Notifications (docs/notifications.md): something happened (a deployment failed, a backup was
 * missed, a server went down), Zpanel records it once as a notification event, and the worker
 * delivers it to every channel of the team subscribed to its kind (email, Slack, Mattermost,
 * Discord, Telegram, ntfy, a signed webhook) and to the in-app notification centre. Shared by the
 * API, the worker and the SPA.
 */

/**
 * What a team can subscribe a channel to. Values are stored (channel subscriptions, event rows) and
 * sent in the generic webhook's `type`: add kinds, never rename one.
 */
export const NOTIFICATION_EVENT_KINDS = [
  'deployment.started',
  'deployment.succeeded',
  'deployment.failed',
  'deployment.cancelled',
  'preview.deployed',
  'preview.removed',
  'backup.succeeded',
  'backup.failed',
  'backup.missed',
  'backup.unverified',
  'restore.finished',
  'server.unreachable',
  'server.recovered',
  'server.host_key_changed',
  'alert.fired',
  'alert.resolved',
  'database.unhealthy',
  'database.recovered',
] as const;
export type NotificationEventKind = (typeof NOTIFICATION_EVENT_KINDS)[number];

/**
 * Events about one person, sent to that person only (by email through the instance's SMTP settings,
 * and in their own notification centre), never to a team's channels.
 */
export const PERSONAL_EVENT_KINDS = ['account.new_sign_in', 'account.two_factor_changed'] as const;
export type PersonalEventKind = (typeof PERSONAL_EVENT_KINDS)[number];

/** Zpanel's own notices in the notification centre (not subscribable): a channel failing, to the team's owners. */
export const NOTICE_EVENT_KINDS = ['channel.failing', 'channel.recovered'] as const;
export type NoticeEventKind = (typeof NOTICE_EVENT_KINDS)[number];

export type AnyNotificationKind = NotificationEventKind | PersonalEventKind | NoticeEventKind;

/**
 * Who sees an event in the notification centre: `team` every member, `owners` the team's owners
 * (a channel failing), `user` one person (their own sign-ins and 2FA changes).
 */
export const NOTIFICATION_AUDIENCES = ['team', 'owners', 'user'] as const;
export type NotificationAudience = (typeof NOTIFICATION_AUDIENCES)[number];

/** How bad it is, for the colour of a message and the ntfy priority. */
export const NOTIFICATION_SEVERITIES = ['info', 'success', 'warning', 'error'] as const;
export type NotificationSeverity = (typeof NOTIFICATION_SEVERITIES)[number];

/** What an event is about, to link to it and filter by it. */
export const NOTIFICATION_SUBJECT_TYPES = [
  'deployment',
  'application',
  'backup',
  'restore',
  'database',
  'server',
  'alert',
  'channel',
  'user',
] as const;
export type NotificationSubjectType = (typeof NOTIFICATION_SUBJECT_TYPES)[number];

export const NOTIFICATION_CHANNEL_KINDS = ['email', 'slack', 'mattermost', 'discord', 'telegram', 'ntfy', 'webhook'] as const;
export type NotificationChannelKind = (typeof NOTIFICATION_CHANNEL_KINDS)[number];

/**
 * A channel's settings per kind, as returned (never a secret). The secret fields of each kind are
 * in NOTIFICATION_CHANNEL_SECRETS: sent on create (and on update to replace them), sealed at rest,
 * never returned; `secretsSet` says which are set.
 */
export interface NotificationChannelSettings {
  /** SMTP server and sender; `to`: the addresses that receive (1-20). */
  email: {
    host: string;
    port: number;
    /** `starttls`: plain then STARTTLS (587), required; `tls`: TLS from the first byte (465); `none`: no encryption (loopback tests, LAN relays). */
    security: SmtpSecurity;
    username: string | null;
    from: string;
    to: string[];
  };
  /** An incoming webhook URL (https://hooks.slack.com/services/...): the URL is the secret. */
  slack: Record<string, never>;
  mattermost: Record<string, never>;
  discord: Record<string, never>;
  /** The bot token is the secret; the chat is a numeric id or @channelusername. */
  telegram: { chatId: string };
  /** Server URL (https://ntfy.sh or your own) and topic; an access token is the optional secret. */
  ntfy: { serverUrl: string; topic: string };
  /** Any HTTPS endpoint; the body is NotificationWebhookBody, signed (docs/notifications.md, "Generic webhook"). */
  webhook: { url: string };
}

export const SMTP_SECURITIES = ['starttls', 'tls', 'none'] as const;
export type SmtpSecurity = (typeof SMTP_SECURITIES)[number];

/** The secret fields of each kind. */
export const NOTIFICATION_CHANNEL_SECRETS: { readonly [K in NotificationChannelKind]: readonly string[] } = {
  email: ['password'],
  slack: ['webhookUrl'],
  mattermost: ['webhookUrl'],
  discord: ['webhookUrl'],
  telegram: ['botToken'],
  ntfy: ['accessToken'],
  webhook: ['signingSecret'],
};

/** The secret values by field, as sent in a create or update body; the worker opens the sealed JSON into this. */
export type NotificationChannelSecrets = Partial<Record<'password' | 'webhookUrl' | 'botToken' | 'accessToken' | 'signingSecret', string>>;

/** What a channel receives: event kinds, optionally only those of some projects or environments (null: all). */
export interface NotificationSubscription {
  events: NotificationEventKind[];
  projectIds: string[] | null;
  environmentIds: string[] | null;
}

export interface NotificationChannelDto<K extends NotificationChannelKind = NotificationChannelKind> extends NotificationSubscription {
  id: string;
  teamId: string;
  name: string;
  kind: K;
  enabled: boolean;
  settings: NotificationChannelSettings[K];
  /** Which secret fields hold a value (never the values). */
  secretsSet: string[];
  /** Set when deliveries failed NOTIFICATION_LIMITS.failingAfter times in a row; cleared by the next success. */
  failingSince: string | null;
  consecutiveFailures: number;
  lastDeliveryAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CreateNotificationChannelRequest extends Partial<NotificationSubscription> {
  name: string;
  kind: NotificationChannelKind;
  enabled?: boolean;
  settings?: Partial<NotificationChannelSettings[NotificationChannelKind]>;
  secrets?: NotificationChannelSecrets;
}

/**
 * The answer of `POST /notification-channels`: the channel, and for a webhook channel created
 * without a signing secret the one Zpanel generated, in this response only (never shown again).
 */
export interface CreatedNotificationChannelResponse extends NotificationChannelDto {
  signingSecret?: string;
}

/** `POST /notification-channels/test`: a channel's settings tried before it is saved (nothing is saved). */
export interface TestNotificationChannelRequest {
  kind: NotificationChannelKind;
  name?: string;
  settings?: Partial<NotificationChannelSettings[NotificationChannelKind]>;
  secrets?: NotificationChannelSecrets;
}

/** `GET /notifications` (team from the x-zpanel-team header): filters besides page/perPage. */
export interface NotificationListQuery {
  /** Only those the caller has not read. */
  unread?: boolean;
}

/** Only what is sent changes; `secrets` replaces the named secret values, `null` clears an optional one. */
export interface UpdateNotificationChannelRequest extends Partial<NotificationSubscription> {
  name?: string;
  enabled?: boolean;
  settings?: Partial<NotificationChannelSettings[NotificationChannelKind]>;
  secrets?: Partial<Record<keyof NotificationChannelSecrets, string | null>>;
}

/** The answer of "Send test": the receiver's status or its error in words. */
export interface NotificationTestResultDto {
  ok: boolean;
  /** HTTP status of the receiver (null for email or when no answer came). */
  status: number | null;
  /** What went wrong, in words (null when ok). */
  error: string | null;
  latencyMs: number;
}

/**
 * A delivery's life: `queued` (waiting for its first try), `retrying` (failed with a network error,
 * 5xx or 429; tried again at `nextAttemptAt`), `succeeded`, `failed` (a 4xx, a refused address, or
 * out of attempts), `grouped` (not sent: the same alert rule was already sent to this channel within
 * the grouping interval).
 */
export const NOTIFICATION_DELIVERY_STATUSES = ['queued', 'retrying', 'succeeded', 'failed', 'grouped'] as const;
export type NotificationDeliveryStatus = (typeof NOTIFICATION_DELIVERY_STATUSES)[number];

export interface NotificationDeliveryDto {
  id: string;
  channelId: string;
  eventId: string;
  eventKind: NotificationEventKind;
  title: string;
  status: NotificationDeliveryStatus;
  attempts: number;
  responseStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** An event as the notification centre shows it, with the caller's read mark. */
export interface NotificationDto {
  id: string;
  teamId: string | null;
  kind: AnyNotificationKind;
  severity: NotificationSeverity;
  title: string;
  message: string;
  /** A link into the UI (absolute when the instance's public URL is set, else a path). */
  url: string | null;
  subjectType: NotificationSubjectType | null;
  subjectId: string | null;
  projectId: string | null;
  environmentId: string | null;
  occurredAt: string;
  read: boolean;
}

export interface NotificationUnreadDto {
  unread: number;
}

/** Mark some (ids) or all (`all: true`, up to `before` when given) of the caller's notifications read. */
export interface MarkNotificationsReadRequest {
  ids?: string[];
  all?: boolean;
  before?: string;
}

/**
 * The generic webhook's JSON body (version 1; fields are added, never renamed or removed). Headers
 * follow the Standard Webhooks specification: `webhook-id` (the event id), `webhook-timestamp`
 * (Unix seconds), `webhook-signature` (`v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">` keyed
 * with the channel's signing secret, the bytes after `whsec_` base64-decoded).
 */
export interface NotificationWebhookBody {
  version: 1;
  id: string;
  type: NotificationEventKind | 'test';
  occurredAt: string;
  severity: NotificationSeverity;
  title: string;
  message: string;
  url: string | null;
  team: { id: string; name: string };
  project: { id: string; name: string } | null;
  environment: { id: string; name: string } | null;
  subject: { type: NotificationSubjectType; id: string; name: string | null } | null;
  /** Kind-specific facts (a deployment's commit and reason, an alert's metric and value...), documented per kind. */
  data: Record<string, string | number | boolean | null>;
}

export const NOTIFICATION_LIMITS = {
  channelsPerTeam: 50,
  nameLength: 64,
  emailRecipients: 20,
  /** Final delivery failures in a row after which a channel is marked failing (and its team's owners told). */
  failingAfter: 3,
  /** Delivery attempts in all (the first and the retries). */
  maxAttempts: 6,
  /** Filter lists (project or environment ids). */
  filterIds: 50,
} as const;

/** The live event of kind `notifications`: a new notification for the caller. */
export interface NotificationLiveEvent {
  type: 'notification';
  notification: NotificationDto;
}

/**
 * The `notification.test` job: a channel's settings with its secrets sealed (SecretBox, additional
 * data `secretsAad`): a saved channel's own sealed JSON, or new values the API sealed for the test,
 * so no secret crosses Redis in the clear.
 */
export interface NotificationTestJob {
  teamId: string;
  channelName: string;
  kind: NotificationChannelKind;
  settings: Record<string, unknown>;
  sealedSecrets: string | null;
  secretsAad: string;
}

/** The `mail.send` job: the message (MailMessage as JSON) sealed, because a reset link or invitation is a credential. */
export interface MailSendJob {
  sealedMessage: string;
  aad: string;
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** The instance's SMTP server as returned (docs/notifications.md, "Instance email"): never the password. */
export interface InstanceSmtpSettingsDto {
  host: string;
  port: number;
  security: SmtpSecurity;
  username: string | null;
  /** The sender address of every email Zpanel sends itself. */
  from: string;
  /** Whether a password is saved (it is sealed, never returned). */
  passwordSet: boolean;
}

/** `GET /api/v1/system/settings` (instance operators). */
export interface InstanceSettingsDto {
  /** Where people reach this instance, without a trailing slash; links in emails and notifications start with it. */
  publicUrl: string | null;
  /** Null: Zpanel sends no email (invitations are shared by link, password reset sends nothing). */
  smtp: InstanceSmtpSettingsDto | null;
}

/**
 * `PATCH /api/v1/system/settings`: only what is sent changes. `smtp` replaces the SMTP settings
 * (`null` turns email off); its `password` omitted keeps the saved one (unless the host changes),
 * `null` clears it.
 */
export interface UpdateInstanceSettingsRequest {
  publicUrl?: string | null;
  smtp?: {
    host: string;
    port: number;
    security: SmtpSecurity;
    username?: string | null;
    from: string;
    password?: string | null;
  } | null;
}

/** `POST /api/v1/system/settings/smtp/test`: a test email to `to` through the saved settings. */
export interface InstanceSmtpTestRequest {
  to: string;
}

export const INSTANCE_SETTINGS_LIMITS = {
  publicUrlLength: 500,
  hostLength: 253,
  usernameLength: 256,
  passwordLength: 1024,
  emailLength: 254,
} as const;
