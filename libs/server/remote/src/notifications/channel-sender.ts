import type { NotificationChannelKind, NotificationChannelSecrets, NotificationWebhookBody } from '@zpanel/contracts';

/**
 * A channel as the worker holds it at send time: its settings (NotificationChannelSettings of its
 * kind) and its secrets opened from the SecretBox. Never logged: the secrets are in clear here.
 */
export interface OpenedChannel {
  kind: NotificationChannelKind;
  name: string;
  settings: Record<string, unknown>;
  secrets: NotificationChannelSecrets;
}

/**
 * What one attempt came to. `status` is the receiver's HTTP status when it answered (null for email
 * and when no answer came). On failure: `retryable` (a network error, a timeout, 5xx or 429: try
 * again later; anything else: give up), `retryAfterMs` (the receiver's Retry-After, when it sent
 * one on a 429 or 503), `error` in words, short, never containing a secret (a webhook URL, a token).
 */
export type SendOutcome =
  { ok: true; status: number | null } | { ok: false; retryable: boolean; status: number | null; retryAfterMs: number | null; error: string };

/** Sends a notification to one channel of any kind; one attempt, no retry (the caller retries). */
export interface ChannelSender {
  send(channel: OpenedChannel, message: NotificationWebhookBody, signal: AbortSignal): Promise<SendOutcome>;
}
