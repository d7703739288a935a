import { NOTIFICATION_EVENT_KINDS, NOTIFICATION_LIMITS, SMTP_SECURITIES } from '@zpanel/contracts';
import { SIGNING_SECRET_PREFIX, signingSecretKey } from './signing-secret';

/*
 * The rules for a notification channel's fields (docs/notifications.md, "Channels"), used by the API
 * before saving or testing: each returns a problem completing "<field> ..." (never echoing the value,
 * which may be a secret), or null. The address a URL or SMTP host names is checked apart, against
 * the instance's outbound policy (AddressPolicy.problem at save, AddressPolicy.resolve at send).
 */

export const NOTIFICATION_URL_MAX_LENGTH = 2048;
export const EMAIL_ADDRESS_MAX_LENGTH = 254;
export const NTFY_TOPIC_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const TELEGRAM_BOT_TOKEN_PATTERN = /^\d{1,20}:[A-Za-z0-9_-]{30,100}$/;
/** A numeric chat id (negative for groups and channels) or a public channel's @username (5-32 characters). */
export const TELEGRAM_CHAT_ID_PATTERN = /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,30}[A-Za-z0-9])$/;
const SIGNING_SECRET_BYTES = { min: 24, max: 64 } as const;

/** Printable ASCII only, checked on the text itself: URL parsing would quietly drop tabs and newlines and percent-encode the rest. */
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * Conservative on purpose: letters, digits and `._%+-` before the `@` (not starting with a dot or
 * a dash, not ending with a dot, no two dots in a row), then DNS labels with at least one dot. Quoted local parts, IP literals
 * and non-ASCII addresses, all valid in RFC 5322, are refused: the address goes into an SMTP header.
 */
const EMAIL_PATTERN =
  /^[A-Za-z0-9_%+][A-Za-z0-9_%+-]*(\.[A-Za-z0-9_%+-]+)*@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

const HOSTNAME_PATTERN = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const IPV4_PATTERN = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** What a URL is for: which schemes it may use and whether it may carry a path and query. */
export type NotificationUrlUse =
  /** Slack and Discord incoming webhooks: their services serve https only, and the URL itself is the secret. */
  | 'https-webhook'
  /** Mattermost (often self-hosted on a LAN without TLS) and the generic webhook: http or https. */
  | 'webhook'
  /** An ntfy server: http(s), optionally under a path, without a query or fragment (the topic is its own field). */
  | 'ntfy-server';

/** An http(s) URL Zpanel will POST to: no credentials, a host, printable ASCII, bounded. */
export function notificationUrlProblem(url: unknown, use: NotificationUrlUse): string | null {
  const example = use === 'ntfy-server' ? 'https://ntfy.sh' : 'https://hooks.example.com/...';
  if (typeof url !== 'string') return 'must be text';
  if (url.length === 0) return 'must not be empty';
  if (url.length > NOTIFICATION_URL_MAX_LENGTH) return `must be at most ${NOTIFICATION_URL_MAX_LENGTH} characters`;
  if (!PRINTABLE_ASCII.test(url)) return 'must be printable ASCII without spaces (percent-encode anything else)';
  const scheme = /^([a-z]+):\/\//i.exec(url)?.[1].toLowerCase();
  if (use === 'https-webhook' && scheme !== 'https') return `must be an https:// URL (such as ${example})`;
  if (scheme !== 'https' && scheme !== 'http') return `must be an http:// or https:// URL (such as ${example})`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `must be an http:// or https:// URL (such as ${example})`;
  }
  const authority = url.slice(scheme.length + 3).split(/[/?#]/)[0];
  if (parsed.username !== '' || parsed.password !== '' || authority.includes('@')) return 'must not hold credentials';
  if (parsed.hostname === '') return 'must name a host';
  if (!hostIsNameOrAddress(parsed.hostname)) return 'must name a host by a DNS name or an IP address';
  if (use === 'ntfy-server' && (parsed.search !== '' || parsed.hash !== '' || /[?#]/.test(url)))
    return 'must be the server alone, without a query or fragment (the topic is its own field)';
  if (use !== 'ntfy-server' && (parsed.hash !== '' || url.includes('#'))) return 'must not have a fragment';
  return null;
}

/** The host a URL the rules above accepted connects to (brackets of an IPv6 literal removed), for the address policy. */
export function notificationUrlHost(url: string): string {
  return new URL(url).hostname.replace(/^\[|\]$/g, '');
}

export function ntfyTopicProblem(topic: unknown): string | null {
  if (typeof topic !== 'string' || !NTFY_TOPIC_PATTERN.test(topic)) return 'must be 1-64 letters, digits, "_" or "-"';
  return null;
}

/** An ntfy access token (or any bearer token): printable ASCII without spaces, bounded; it goes into a header. */
export function accessTokenProblem(token: unknown): string | null {
  if (typeof token !== 'string' || token.length === 0) return 'must not be empty';
  if (token.length > 256) return 'must be at most 256 characters';
  if (!PRINTABLE_ASCII.test(token)) return 'must be printable ASCII without spaces';
  return null;
}

export function telegramBotTokenProblem(token: unknown): string | null {
  if (typeof token !== 'string' || !TELEGRAM_BOT_TOKEN_PATTERN.test(token))
    return 'must be a bot token as BotFather gives it (digits, a colon, then 30-100 letters, digits, "_" or "-")';
  return null;
}

export function telegramChatIdProblem(chatId: unknown): string | null {
  if (typeof chatId !== 'string' || !TELEGRAM_CHAT_ID_PATTERN.test(chatId))
    return 'must be a numeric chat id (such as -1001234567890) or a public channel as @channelname';
  return null;
}

export function emailAddressProblem(address: unknown): string | null {
  if (typeof address !== 'string' || address.length === 0) return 'must be an email address';
  if (address.length > EMAIL_ADDRESS_MAX_LENGTH) return `must be at most ${EMAIL_ADDRESS_MAX_LENGTH} characters`;
  const local = address.split('@')[0];
  if (!EMAIL_PATTERN.test(address) || local.length > 64)
    return 'must be an email address of letters, digits and "._%+-" before the @ and a domain name after it';
  return null;
}

/** The recipients of an email channel: 1 to NOTIFICATION_LIMITS.emailRecipients addresses, each once. */
export function emailRecipientsProblem(to: unknown): string | null {
  if (!Array.isArray(to) || to.length === 0) return 'must list at least one email address';
  if (to.length > NOTIFICATION_LIMITS.emailRecipients) return `must list at most ${NOTIFICATION_LIMITS.emailRecipients} addresses`;
  for (const [index, address] of to.entries()) {
    const problem = emailAddressProblem(address);
    if (problem) return `entry ${index + 1} ${problem}`;
  }
  if (new Set(to.map((address: string) => address.toLowerCase())).size !== to.length) return 'must not list an address twice';
  return null;
}

/** An SMTP server: a host name or an IP address (IPv6 without brackets). */
export function smtpHostProblem(host: unknown): string | null {
  if (typeof host !== 'string' || host.length === 0) return 'must be a host name or an IP address';
  if (host.length > 253) return 'must be at most 253 characters';
  if (IPV4_PATTERN.test(host) || isIpv6(host)) return null;
  if (/^[\d.]+$/.test(host) || !HOSTNAME_PATTERN.test(host)) return 'must be a host name (such as smtp.example.com) or an IP address';
  return null;
}

export function portProblem(port: unknown): string | null {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) return 'must be a whole number between 1 and 65535';
  return null;
}

export function smtpSecurityProblem(security: unknown): string | null {
  if (typeof security !== 'string' || !(SMTP_SECURITIES as readonly string[]).includes(security))
    return `must be one of ${SMTP_SECURITIES.join(', ')}`;
  return null;
}

/** An SMTP user name: printable ASCII without spaces (often an email address), bounded. */
export function smtpUsernameProblem(username: unknown): string | null {
  if (typeof username !== 'string' || username.length === 0) return 'must not be empty';
  if (username.length > 256) return 'must be at most 256 characters';
  if (!PRINTABLE_ASCII.test(username)) return 'must be printable ASCII without spaces';
  return null;
}

/** An SMTP password: any text but control characters (a newline would end the SMTP command), bounded. */
export function smtpPasswordProblem(password: unknown): string | null {
  if (typeof password !== 'string' || password.length === 0) return 'must not be empty';
  if (password.length > 1024) return 'must be at most 1024 characters';
  if (/[\x00-\x1f\x7f]/.test(password)) return 'must not contain control characters (newlines, tabs, NUL)';
  if (/[\uD800-\uDFFF]/u.test(password)) return 'must be valid Unicode text';
  return null;
}

/** `whsec_` and the standard base64 of a 24-64 byte key, as the generic webhook's receivers (and the worker's signer, signingSecretKey) take it. */
export function signingSecretProblem(secret: unknown): string | null {
  if (typeof secret !== 'string' || secret.length > 200 || signingSecretKey(secret) === null)
    return `must be ${SIGNING_SECRET_PREFIX} followed by the base64 of ${SIGNING_SECRET_BYTES.min}-${SIGNING_SECRET_BYTES.max} random bytes`;
  return null;
}

/** The event kinds a channel receives: at least one, each a subscribable kind, each once. */
export function eventKindsProblem(events: unknown): string | null {
  if (!Array.isArray(events) || events.length === 0) return 'must list at least one event kind';
  if (events.length > NOTIFICATION_EVENT_KINDS.length) return `must list at most ${NOTIFICATION_EVENT_KINDS.length} event kinds`;
  for (const [index, kind] of events.entries()) {
    if (typeof kind !== 'string' || !(NOTIFICATION_EVENT_KINDS as readonly string[]).includes(kind))
      return `entry ${index + 1} must be one of ${NOTIFICATION_EVENT_KINDS.join(', ')}`;
  }
  if (new Set(events).size !== events.length) return 'must not list an event kind twice';
  return null;
}

/**
 * A project or environment filter: null (or an empty list, read as null) lets every event through;
 * otherwise ids, each once, at most NOTIFICATION_LIMITS.filterIds. Whether they are the team's own is
 * the caller's check.
 */
export function filterIdsProblem(ids: unknown): string | null {
  if (ids === null) return null;
  if (!Array.isArray(ids)) return 'must be a list of ids, or null for all';
  if (ids.length > NOTIFICATION_LIMITS.filterIds) return `must list at most ${NOTIFICATION_LIMITS.filterIds} ids`;
  for (const [index, id] of ids.entries()) {
    if (typeof id !== 'string' || !UUID_PATTERN.test(id)) return `entry ${index + 1} must be an id (a UUID)`;
  }
  if (new Set(ids.map((id: string) => id.toLowerCase())).size !== ids.length) return 'must not list an id twice';
  return null;
}

/** A URL's hostname as WHATWG parsing leaves it (which lets `$`, `{` or `..` through): a DNS name or an IP literal. */
function hostIsNameOrAddress(hostname: string): boolean {
  if (hostname.startsWith('[')) return isIpv6(hostname.slice(1, -1));
  return IPV4_PATTERN.test(hostname) || (!/^[\d.]+$/.test(hostname) && HOSTNAME_PATTERN.test(hostname));
}

function isIpv6(host: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(host) || !host.includes(':')) return false;
  try {
    return new URL(`http://[${host}]/`).hostname !== '';
  } catch {
    return false;
  }
}
