import { Injectable } from '@nestjs/common';
import { ErrorCode, type LiveKind, type LiveSubscribeRequest, type LiveTopic } from '@zpanel/contracts';
import { AppException } from '@zpanel/core';
import type { Caller } from '../access/caller';

/** What an authorized subscription follows. */
export interface LiveSubscription {
  topic: LiveTopic;
  /** Replay entries after this id (`'0'`: from the start); without it only new entries are sent. */
  after?: string;
  /**
   * Replaces the plain follow of `topic` for kinds whose history is kept elsewhere (deployment logs
   * in Postgres): calls `deliver` for every event in order and resolves to the function that stops it.
   */
  follow?: (deliver: (entry: { id: string; event: unknown }) => void) => Promise<() => Promise<void>>;
  /** Runs once the topic is followed, so nothing the start triggers can be missed (e.g. a log follow job). */
  onStart?: () => Promise<void>;
  /** Runs when the client unsubscribes or disconnects. */
  onStop?: () => Promise<void>;
  /**
   * The access check of `authorize` again, for a caller whose role or membership may have changed
   * since: throws (like `authorize`) when they may no longer follow this subscription.
   */
  recheck: (caller: Caller) => Promise<unknown>;
}

export type LiveRequestOf<K extends LiveKind> = Extract<LiveSubscribeRequest, { kind: K }>;

/**
 * Authorizes one kind of subscription: checks the request's fields, then the caller's access to the
 * resource's team through TeamAccessService (another team's resource throws the same 404 as a missing one).
 */
export interface LiveKindHandler<K extends LiveKind> {
  authorize(caller: Caller, request: LiveRequestOf<K>): Promise<LiveSubscription>;
}

/** Feature modules register the kinds they serve; the gateway knows none of them. */
@Injectable()
export class LiveRegistry {
  private readonly handlers = new Map<LiveKind, LiveKindHandler<LiveKind>>();

  register<K extends LiveKind>(kind: K, handler: LiveKindHandler<K>): void {
    if (this.handlers.has(kind)) throw new Error(`Live kind ${kind} registered twice`);
    this.handlers.set(kind, handler as unknown as LiveKindHandler<LiveKind>);
  }

  handler(kind: unknown): LiveKindHandler<LiveKind> {
    const handler = typeof kind === 'string' ? this.handlers.get(kind as LiveKind) : undefined;
    if (!handler) {
      throw AppException.validation([{ field: 'kind', message: `kind must be one of: ${[...this.handlers.keys()].join(', ')}` }]);
    }
    return handler;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** Ids in subscribe requests, checked like path ids: a 400 naming the field, never a database error. */
export function requireUuid(value: unknown, field: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) {
    throw AppException.validation([{ field, message: `${field} must be a UUID` }]);
  }
  return value;
}

/** `after` resume ids are Redis stream ids. */
export function optionalEntryId(value: unknown, field = 'after'): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^(0|\d{1,20}-\d{1,20})$/.test(value)) {
    throw AppException.validation([{ field, message: `${field} must be a stream entry id like 1700000000000-0` }]);
  }
  return value;
}

export const tooManySubscriptions = (max: number) => new AppException(ErrorCode.RateLimited, `At most ${max} live subscriptions per connection`);
