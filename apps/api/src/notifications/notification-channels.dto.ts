import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import {
  type CreateNotificationChannelRequest,
  type CreatedNotificationChannelResponse,
  NOTIFICATION_CHANNEL_KINDS,
  NOTIFICATION_DELIVERY_STATUSES,
  NOTIFICATION_EVENT_KINDS,
  NOTIFICATION_LIMITS,
  type NotificationChannelDto,
  type NotificationChannelKind,
  type NotificationDeliveryDto,
  type NotificationDeliveryStatus,
  type NotificationEventKind,
  type NotificationTestResultDto,
  SMTP_SECURITIES,
  type SmtpSecurity,
  type TestNotificationChannelRequest,
  type UpdateNotificationChannelRequest,
} from '@zpanel/contracts';
import { Allow, IsBoolean, IsIn, IsObject, IsOptional, MaxLength } from 'class-validator';
import { IfPresent } from '../applications/field-validation';
import { IsDisplayName } from '../http/validation';

/*
 * Shapes only: each kind's settings and secrets, the event kinds and the filters are checked by the
 * service with the rules of @zpanel/core (notifications/channel-fields.ts), naming each field
 * (`settings.url`, `secrets.botToken`, `events`), then the URLs' hosts by the outbound address policy.
 */

const NAME_LENGTH = `name must be at most ${NOTIFICATION_LIMITS.nameLength} characters`;

/** Settings per kind, for the documentation (the service checks them). */
export class EmailChannelSettingsDoc {
  @ApiProperty({ example: 'smtp.example.com', description: 'A host name or an IP address; passes the outbound address policy' }) host: string;
  @ApiPropertyOptional({ example: 587, description: 'Default: 587 for starttls, 465 for tls, 25 for none' }) port: number;
  @ApiPropertyOptional({
    enum: SMTP_SECURITIES,
    default: 'starttls',
    description: '`starttls`: plain then STARTTLS, required; `tls`: TLS from the first byte; `none`: no encryption',
  })
  security: SmtpSecurity;
  @ApiPropertyOptional({ nullable: true, example: 'zpanel@example.com', description: 'Set with secrets.password to log in; null: no login' })
  username: string | null;
  @ApiProperty({ example: 'zpanel@example.com', description: 'The sender address' }) from: string;
  @ApiProperty({ type: [String], example: ['ops@example.com'], description: `1-${NOTIFICATION_LIMITS.emailRecipients} addresses` }) to: string[];
}

export class TelegramChannelSettingsDoc {
  @ApiProperty({ example: '-1001234567890', description: 'A numeric chat id or a public channel as @channelname' }) chatId: string;
}

export class NtfyChannelSettingsDoc {
  @ApiProperty({ example: 'https://ntfy.sh', description: 'The ntfy server (http or https, optionally under a path); passes the address policy' })
  serverUrl: string;
  @ApiProperty({ example: 'zpanel-alerts', description: '1-64 letters, digits, "_" or "-"' }) topic: string;
}

export class WebhookChannelSettingsDoc {
  @ApiProperty({
    example: 'https://hooks.example.com/zpanel',
    description: 'http or https; receives the signed JSON body (docs/notifications.md, "Generic webhook"); passes the address policy',
  })
  url: string;
}

/** Slack, Mattermost and Discord have no settings: their webhook URL is the secret. */
export class NoChannelSettingsDoc {}

export const CHANNEL_SETTINGS_DOCS = [
  EmailChannelSettingsDoc,
  TelegramChannelSettingsDoc,
  NtfyChannelSettingsDoc,
  WebhookChannelSettingsDoc,
  NoChannelSettingsDoc,
];

const SETTINGS_SCHEMA = {
  oneOf: CHANNEL_SETTINGS_DOCS.map((doc) => ({ $ref: getSchemaPath(doc) })),
  description:
    'The kind’s settings: email (EmailChannelSettingsDoc), telegram (chatId), ntfy (serverUrl, topic), webhook (url); slack, mattermost and discord have none ({})',
};

export class NotificationChannelSecretsDoc {
  @ApiPropertyOptional({ description: 'email: the SMTP password (with settings.username)' }) password?: string;
  @ApiPropertyOptional({
    example: 'https://hooks.slack.com/services/T000/B000/XXXX',
    description: 'slack, discord (https only), mattermost (http or https, for a self-hosted server without TLS): the incoming webhook URL; required',
  })
  webhookUrl?: string;
  @ApiPropertyOptional({ example: '123456789:AAE...', description: 'telegram: the bot token from BotFather; required' }) botToken?: string;
  @ApiPropertyOptional({ description: 'ntfy: an access token for a protected topic; optional' }) accessToken?: string;
  @ApiPropertyOptional({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description: 'webhook: `whsec_` and the base64 of 24-64 random bytes; when left out on create Zpanel generates one and returns it once',
  })
  signingSecret?: string;
}

/** A PATCH's secrets: a value replaces the stored one, null clears an optional one. */
export class UpdateNotificationChannelSecretsDoc {
  @ApiPropertyOptional({ nullable: true, description: 'email: the SMTP password; null removes it (with settings.username: null)' })
  password?: string | null;
  @ApiPropertyOptional({ description: 'slack, discord, mattermost: the incoming webhook URL (cannot be cleared)' }) webhookUrl?: string;
  @ApiPropertyOptional({ description: 'telegram: the bot token (cannot be cleared)' }) botToken?: string;
  @ApiPropertyOptional({ nullable: true, description: 'ntfy: the access token; null removes it' }) accessToken?: string | null;
  @ApiPropertyOptional({ description: 'webhook: a new signing secret, `whsec_` and the base64 of 24-64 random bytes (cannot be cleared)' })
  signingSecret?: string;
}

const SECRETS_DESCRIPTION =
  'The kind’s secret fields (NotificationChannelSecretsDoc): stored sealed, never returned; `secretsSet` says which hold a value.';

class SubscriptionFields {
  @ApiPropertyOptional({
    nullable: true,
    type: [String],
    format: 'uuid',
    description: `Only events of these projects of the team (at most ${NOTIFICATION_LIMITS.filterIds}); null or [] for all`,
  })
  @Allow()
  projectIds?: string[] | null;

  @ApiPropertyOptional({
    nullable: true,
    type: [String],
    format: 'uuid',
    description: `Only events of these environments of the team (at most ${NOTIFICATION_LIMITS.filterIds}); null or [] for all`,
  })
  @Allow()
  environmentIds?: string[] | null;
}

export class CreateNotificationChannelDto extends SubscriptionFields implements CreateNotificationChannelRequest {
  @ApiProperty({ example: 'On-call Slack', description: `Unique in the team; at most ${NOTIFICATION_LIMITS.nameLength} characters` })
  @MaxLength(NOTIFICATION_LIMITS.nameLength, { message: NAME_LENGTH })
  @IsDisplayName()
  name: string;

  @ApiProperty({ enum: NOTIFICATION_CHANNEL_KINDS, example: 'slack' })
  @IsIn(NOTIFICATION_CHANNEL_KINDS, { message: `kind must be one of ${NOTIFICATION_CHANNEL_KINDS.join(', ')}` })
  kind: NotificationChannelKind;

  @ApiPropertyOptional({ default: true })
  @IfPresent()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;

  @ApiPropertyOptional(SETTINGS_SCHEMA)
  @IfPresent()
  @IsObject({ message: 'settings must be an object' })
  settings?: Record<string, unknown>;

  @ApiPropertyOptional({ type: NotificationChannelSecretsDoc, description: SECRETS_DESCRIPTION })
  @IfPresent()
  @IsObject({ message: 'secrets must be an object' })
  secrets?: Record<string, string>;

  @ApiProperty({
    enum: NOTIFICATION_EVENT_KINDS,
    isArray: true,
    example: ['deployment.failed', 'backup.failed'],
    description: 'At least one, each once',
  })
  @Allow()
  events: NotificationEventKind[];
}

export class UpdateNotificationChannelDto extends SubscriptionFields implements UpdateNotificationChannelRequest {
  @ApiPropertyOptional({ example: 'On-call Slack' })
  @IsOptional()
  @MaxLength(NOTIFICATION_LIMITS.nameLength, { message: NAME_LENGTH })
  @IsDisplayName()
  name?: string;

  @ApiPropertyOptional()
  @IfPresent()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;

  @ApiPropertyOptional({ ...SETTINGS_SCHEMA, description: 'The settings to change (the rest are kept); email: `username: null` removes the login' })
  @IfPresent()
  @IsObject({ message: 'settings must be an object' })
  settings?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: UpdateNotificationChannelSecretsDoc,
    description: 'The secrets to replace (the rest are kept); null clears an optional one (email password, ntfy access token)',
  })
  @IfPresent()
  @IsObject({ message: 'secrets must be an object' })
  secrets?: Record<string, string | null>;

  @ApiPropertyOptional({ enum: NOTIFICATION_EVENT_KINDS, isArray: true })
  @Allow()
  events?: NotificationEventKind[];
}

export class TestNotificationChannelDto implements TestNotificationChannelRequest {
  @ApiProperty({ enum: NOTIFICATION_CHANNEL_KINDS, example: 'webhook' })
  @IsIn(NOTIFICATION_CHANNEL_KINDS, { message: `kind must be one of ${NOTIFICATION_CHANNEL_KINDS.join(', ')}` })
  kind: NotificationChannelKind;

  @ApiPropertyOptional({ example: 'On-call Slack', description: 'Shown in the test message; default "New channel"' })
  @IsOptional()
  @MaxLength(NOTIFICATION_LIMITS.nameLength, { message: NAME_LENGTH })
  @IsDisplayName()
  name?: string;

  @ApiPropertyOptional(SETTINGS_SCHEMA)
  @IfPresent()
  @IsObject({ message: 'settings must be an object' })
  settings?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: NotificationChannelSecretsDoc,
    description: 'As on create; a webhook without a signing secret is signed with a throwaway one',
  })
  @IfPresent()
  @IsObject({ message: 'secrets must be an object' })
  secrets?: Record<string, string>;
}

export class NotificationChannelDoc implements NotificationChannelDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) teamId: string;
  @ApiProperty({ example: 'On-call Slack' }) name: string;
  @ApiProperty({ enum: NOTIFICATION_CHANNEL_KINDS }) kind: NotificationChannelKind;
  @ApiProperty() enabled: boolean;
  @ApiProperty(SETTINGS_SCHEMA) settings: NotificationChannelDto['settings'];
  @ApiProperty({ type: [String], example: ['webhookUrl'], description: 'Which secret fields hold a value (never the values)' }) secretsSet: string[];
  @ApiProperty({ enum: NOTIFICATION_EVENT_KINDS, isArray: true }) events: NotificationEventKind[];
  @ApiPropertyOptional({ nullable: true, type: [String], format: 'uuid', description: 'null: every project' }) projectIds: string[] | null;
  @ApiPropertyOptional({ nullable: true, type: [String], format: 'uuid', description: 'null: every environment' }) environmentIds: string[] | null;
  @ApiPropertyOptional({
    nullable: true,
    format: 'date-time',
    description: `Set once ${NOTIFICATION_LIMITS.failingAfter} deliveries in a row failed; cleared by the next success`,
  })
  failingSince: string | null;
  @ApiProperty({ example: 0 }) consecutiveFailures: number;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) lastDeliveryAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class CreatedNotificationChannelDoc extends NotificationChannelDoc implements CreatedNotificationChannelResponse {
  @ApiPropertyOptional({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description:
      'webhook channels created without a signing secret: the one Zpanel generated, in this response only (it is never shown again; PATCH secrets.signingSecret to replace it)',
  })
  signingSecret?: string;
}

export class NotificationTestResultDoc implements NotificationTestResultDto {
  @ApiProperty({ description: 'Whether the receiver took the message' }) ok: boolean;
  @ApiPropertyOptional({ nullable: true, example: 200, description: 'The receiver’s HTTP status (null for email, or when no answer came)' })
  status: number | null;
  @ApiPropertyOptional({ nullable: true, example: 'The receiver answered 404 Not Found', description: 'What went wrong, in words (null when ok)' })
  error: string | null;
  @ApiProperty({ example: 182 }) latencyMs: number;
}

export class NotificationDeliveryDoc implements NotificationDeliveryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) channelId: string;
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty({ enum: NOTIFICATION_EVENT_KINDS }) eventKind: NotificationEventKind;
  @ApiProperty({ example: 'Deployment of api failed' }) title: string;
  @ApiProperty({ enum: NOTIFICATION_DELIVERY_STATUSES }) status: NotificationDeliveryStatus;
  @ApiProperty({ example: 1 }) attempts: number;
  @ApiPropertyOptional({ nullable: true, example: 200 }) responseStatus: number | null;
  @ApiPropertyOptional({ nullable: true, example: 'The receiver answered 503 Service Unavailable' }) lastError: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date-time', description: 'When a retrying delivery is tried again' }) nextAttemptAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) finishedAt: string | null;
}

export class NotificationDeliveryPageDoc {
  @ApiProperty({ type: [NotificationDeliveryDoc] }) items: NotificationDeliveryDoc[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() perPage: number;
}
