import {
  Ability,
  type NotificationChannelDto,
  type NotificationChannelKind,
  type NotificationDeliveryStatus,
  type NotificationEventKind,
  type NotificationSeverity,
  type NotificationTestResultDto,
  ROLE_ABILITIES,
  type Role,
  type SmtpSecurity,
} from '@zpanel/contracts';
import type { Tone } from '../../components/status-badge';
import { milliseconds } from '../../lib/format';

/** `undefined` when the role may add, change, test and delete channels (they send the team's events out of Zpanel); else why not. */
export function whyCannotManageChannels(role: Role): string | undefined {
  return ROLE_ABILITIES[role].includes(Ability.Admin) ? undefined : `Your role (${role}) cannot change notification channels: ask an owner or admin`;
}

export const CHANNEL_KIND_LABELS: Record<NotificationChannelKind, string> = {
  email: 'Email',
  slack: 'Slack',
  mattermost: 'Mattermost',
  discord: 'Discord',
  telegram: 'Telegram',
  ntfy: 'ntfy',
  webhook: 'Webhook',
};

export const SMTP_SECURITY_LABELS: Record<SmtpSecurity, string> = {
  starttls: 'STARTTLS (port 587)',
  tls: 'TLS from the first byte (port 465)',
  none: 'None (a relay on a private network)',
};

export const EVENT_KIND_LABELS: Record<NotificationEventKind, string> = {
  'deployment.started': 'Started',
  'deployment.succeeded': 'Succeeded',
  'deployment.failed': 'Failed',
  'deployment.cancelled': 'Cancelled',
  'preview.deployed': 'Deployed',
  'preview.removed': 'Removed',
  'backup.succeeded': 'Succeeded',
  'backup.failed': 'Failed',
  'backup.missed': 'Missed',
  'backup.unverified': 'Not verified',
  'restore.finished': 'Restore finished',
  'server.unreachable': 'Unreachable',
  'server.recovered': 'Recovered',
  'server.host_key_changed': 'Host key changed',
  'alert.fired': 'Fired',
  'alert.resolved': 'Resolved',
  'database.unhealthy': 'Unhealthy',
  'database.recovered': 'Recovered',
};

/** The subscribable kinds by what they are about, as the channel form groups its checkboxes. */
export const EVENT_GROUPS: readonly { label: string; kinds: readonly NotificationEventKind[] }[] = [
  { label: 'Deployments', kinds: ['deployment.started', 'deployment.succeeded', 'deployment.failed', 'deployment.cancelled'] },
  { label: 'Previews', kinds: ['preview.deployed', 'preview.removed'] },
  { label: 'Backups', kinds: ['backup.succeeded', 'backup.failed', 'backup.missed', 'backup.unverified', 'restore.finished'] },
  { label: 'Servers', kinds: ['server.unreachable', 'server.recovered', 'server.host_key_changed'] },
  { label: 'Alerts', kinds: ['alert.fired', 'alert.resolved'] },
  { label: 'Databases', kinds: ['database.unhealthy', 'database.recovered'] },
];

/** "Deployments: Failed", as the delivery log names an event kind. */
export function eventKindLabel(kind: string): string {
  const group = EVENT_GROUPS.find((g) => (g.kinds as readonly string[]).includes(kind));
  const label = EVENT_KIND_LABELS[kind as NotificationEventKind];
  return group && label ? `${group.label}: ${label}` : kind;
}

export const SEVERITY_LABELS: Record<NotificationSeverity, string> = {
  info: 'Information',
  success: 'Success',
  warning: 'Warning',
  error: 'Error',
};

export const DELIVERY_STATUS_TONES: Record<NotificationDeliveryStatus, Tone> = {
  queued: 'neutral',
  retrying: 'warn',
  succeeded: 'ok',
  failed: 'down',
  grouped: 'neutral',
};

export const DELIVERY_STATUS_LABELS: Record<NotificationDeliveryStatus, string> = {
  queued: 'Queued',
  retrying: 'Retrying',
  succeeded: 'Delivered',
  failed: 'Failed',
  grouped: 'Grouped',
};

/** The kinds a channel receives, in a few words: "All 18 events", "3 events". */
export function subscribedEvents(channel: Pick<NotificationChannelDto, 'events'>, total: number): string {
  if (channel.events.length === total) return `All ${total} events`;
  return channel.events.length === 1 ? '1 event' : `${channel.events.length} events`;
}

/** "Delivered · HTTP 204 · 42 ms", or what went wrong, in words. */
export function testResultText(result: NotificationTestResultDto): string {
  const status = result.status === null ? '' : ` · HTTP ${result.status}`;
  if (result.ok) return `Delivered${status} · ${milliseconds(result.latencyMs)}`;
  return `Failed${status}: ${result.error ?? 'no answer'}`;
}

/** "99+" past 99: the badge stays small. */
export function unreadBadge(unread: number): string {
  return unread > 99 ? '99+' : String(unread);
}

/** The first line of a message, for lists and toasts. */
export function firstLine(message: string): string {
  return message.split('\n', 1)[0]?.trim() ?? '';
}

/**
 * Where a notification's link leads: an in-app path (a path, or an absolute URL of this origin),
 * another origin's page (the instance's public URL seen from another address), or nothing for a
 * URL that is neither http nor https.
 */
export type NotificationTarget = { kind: 'app'; path: string; pathname: string } | { kind: 'external'; href: string; pathname: string };

export function notificationTarget(url: string | null, origin: string = window.location.origin): NotificationTarget | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url, origin);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  if (parsed.origin === origin) return { kind: 'app', path: `${parsed.pathname}${parsed.search}${parsed.hash}`, pathname: parsed.pathname };
  return { kind: 'external', href: parsed.href, pathname: parsed.pathname };
}
