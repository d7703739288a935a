import { NOTIFICATION_LIMITS, type NotificationDeliveryStatus } from '@zpanel/contracts';
import type { SendOutcome } from '@zpanel/remote';

/** A retry never waits longer than this, whatever the base or a Retry-After says. */
export const MAX_RETRY_DELAY_MS = 3_600_000;

/** What one attempt came to, as the sender reports it. */
export type AttemptOutcome = SendOutcome;

/**
 * How long to wait before the attempt after attempt `attempts` (1 for the first): `retryBaseMs`
 * doubled at each attempt (base, 2 × base, 4 × base...), or the receiver's Retry-After when longer,
 * never more than an hour.
 */
export function retryDelayMs(attempts: number, retryBaseMs: number, retryAfterMs: number | null = null): number {
  const backoff = retryBaseMs * 2 ** Math.max(0, attempts - 1);
  return Math.min(MAX_RETRY_DELAY_MS, Math.max(backoff, retryAfterMs ?? 0));
}

/** What becomes of a delivery after attempt `attempts` (1 for the first). */
export type DeliveryStep =
  | { status: Extract<NotificationDeliveryStatus, 'succeeded'> }
  | { status: Extract<NotificationDeliveryStatus, 'retrying'>; delayMs: number }
  | { status: Extract<NotificationDeliveryStatus, 'failed'> };

/**
 * Success ends it; a retryable failure (network error, timeout, 5xx, 429) is tried again after
 * `retryDelayMs` while attempts remain (NOTIFICATION_LIMITS.maxAttempts in all); anything else
 * (a 4xx, an address the policy refuses, a missing secret) fails it at once.
 */
export function nextDeliveryStep(
  outcome: AttemptOutcome,
  attempts: number,
  retryBaseMs: number,
  maxAttempts: number = NOTIFICATION_LIMITS.maxAttempts,
): DeliveryStep {
  if (outcome.ok) return { status: 'succeeded' };
  if (outcome.retryable && attempts < maxAttempts) return { status: 'retrying', delayMs: retryDelayMs(attempts, retryBaseMs, outcome.retryAfterMs) };
  return { status: 'failed' };
}

/**
 * Grouping (flapping alerts): an event with a group key is not sent to a channel that was already
 * sent an event of the same key and kind that occurred less than `windowMs` before it; it is
 * recorded as `grouped`. So an alert that fires and resolves over and over sends one "fired" and
 * one "resolved" per rule and interval. An event without a key is always sent; a window of 0 turns
 * grouping off.
 */
export function groupingDecision(
  groupKey: string | null,
  occurredAt: Date,
  lastSentOccurredAt: Date | null | undefined,
  windowMs: number,
): 'send' | 'group' {
  if (!groupKey || windowMs <= 0 || !lastSentOccurredAt) return 'send';
  const age = occurredAt.getTime() - lastSentOccurredAt.getTime();
  return age >= 0 && age < windowMs ? 'group' : 'send';
}

/** A path into the UI made absolute with the instance's public URL (no trailing slash) when set; anything else as it is. */
export function absoluteUrl(path: string | null, publicUrl: string | null): string | null {
  if (!path) return null;
  if (!publicUrl || !path.startsWith('/')) return path;
  return `${publicUrl.replace(/\/+$/, '')}${path}`;
}

/** Pieces of a secret at least this long are taken out of error text too (a webhook URL's token path segment; shorter ones are words like "services"). */
const SECRET_PIECE_MIN_LENGTH = 16;

/**
 * Takes every secret value out of `text` (a receiver's answer quoted in an error can echo the URL
 * it was called at), and every piece of one (split at URL and key punctuation) of 16 characters or
 * more: a receiver that echoes only the token part of a webhook URL gives nothing away either.
 */
export function scrubSecrets(text: string, secrets: readonly (string | undefined | null)[]): string {
  const pieces = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    pieces.add(secret);
    for (const piece of secret.split(/[/?&=#:@.,;+\s]+/)) if (piece.length >= SECRET_PIECE_MIN_LENGTH) pieces.add(piece);
  }
  let scrubbed = text;
  // Longest first, so a whole value goes before the pieces inside it.
  for (const piece of [...pieces].sort((a, b) => b.length - a.length)) scrubbed = scrubbed.split(piece).join('[secret]');
  return scrubbed;
}
