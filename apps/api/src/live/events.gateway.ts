import type { OnModuleDestroy } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import {
  type ClientToServerEvents,
  ErrorCode,
  EVENTS_NAMESPACE,
  type LiveEndReason,
  type LiveSubscribeResult,
  type ServerToClientEvents,
  SUBSCRIPTION_ID_PATTERN,
  type SystemStatus,
} from '@zpanel/contracts';
import { AppException, InjectLogger } from '@zpanel/core';
import { LiveSubscriber } from '@zpanel/queue';
import type { Logger } from 'pino';
import type { Namespace, Socket } from 'socket.io';
import { type AccessChange, AccessChanges } from '../access/access-changes';
import { BearerAuthenticator } from '../access/bearer-authenticator.service';
import type { Caller } from '../access/caller';
import { SystemService } from '../system/system.service';
import { LiveRegistry, tooManySubscriptions } from './live-registry';

const STATUS_POLL_MS = 5_000;
const MAX_SUBSCRIPTIONS_PER_SOCKET = 50;
/** setTimeout's longest delay; a credential expiring later is caught by the next subscribe's re-check. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** What a client cares to be told about: readiness and which workers run, not latencies. */
function fingerprint(status: SystemStatus): string {
  return JSON.stringify([
    status.readiness.status,
    status.readiness.failing,
    status.workers.map((w) => w.id),
    status.repeatingJobs.filter((job) => job.overdue).map((job) => job.name),
  ]);
}

interface OpenSubscription {
  stop: () => Promise<void>;
  recheck: (caller: Caller) => Promise<unknown>;
}

/** What the handshake middleware leaves on an authenticated socket. */
export interface SocketData {
  caller: Caller;
  /** The bearer credential of the handshake, authenticated again on every subscribe and access change. */
  credential: string;
  /** Ends the connection when its access token or API token expires. */
  expiry?: NodeJS.Timeout;
  /** This connection's live subscriptions, by the client's subscription id. */
  subscriptions: Map<string, OpenSubscription>;
}

type EventsSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

function failure(error: unknown): LiveSubscribeResult {
  if (error instanceof AppException) {
    return { ok: false, status: error.status, code: error.code, message: error.message, ...(error.errors ? { errors: error.errors } : {}) };
  }
  return { ok: false, status: 503, code: ErrorCode.ServiceUnavailable, message: 'Live events are unavailable right now' };
}

/**
 * Live events for the SPA. Every connection is authenticated at the handshake with the same bearer
 * credentials as HTTP (`auth: { token }`); a connection without a valid one is refused before any
 * event is sent. Every `live:subscribe` authenticates that credential again and is authorized by the
 * handler registered for its kind, which checks the caller's access to the resource's team.
 * Afterwards access is not assumed: when a user's tokens, sessions or memberships change (AccessChanges)
 * their sockets re-check, and when an access token expires its socket ends. A subscription that
 * no longer passes gets `live:ended` with the reason; a credential that no longer works also closes
 * the connection, so the client reconnects with a fresh one or not at all.
 */
@WebSocketGateway({ namespace: EVENTS_NAMESPACE })
export class EventsGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  @WebSocketServer()
  private readonly namespace: Namespace<ClientToServerEvents, ServerToClientEvents>;

  private last?: string;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly system: SystemService,
    private readonly authenticator: BearerAuthenticator,
    private readonly registry: LiveRegistry,
    private readonly subscriber: LiveSubscriber,
    private readonly accessChanges: AccessChanges,
    @InjectLogger() private readonly logger: Logger,
  ) {
    this.timer = setInterval(() => void this.pushIfChanged(), STATUS_POLL_MS);
    this.timer.unref();
  }

  afterInit(namespace: Namespace): void {
    namespace.use((socket, next) => {
      const token: unknown = socket.handshake.auth?.token;
      if (typeof token !== 'string' || token === '') {
        next(new Error('unauthorized'));
        return;
      }
      this.authenticator.authenticateWithExpiry(token).then(
        ({ caller, expiresAt }) => {
          const data = socket.data as SocketData;
          data.caller = caller;
          data.credential = token;
          data.subscriptions = new Map();
          const delay = expiresAt ? Math.max(0, expiresAt.getTime() - Date.now()) : Infinity;
          if (delay <= MAX_TIMER_MS) {
            // An expired API token cannot be refreshed: for its holder it is as good as revoked.
            const [reason, message] =
              caller.kind === 'user'
                ? (['expired', 'The access token expired: refresh the session and reconnect'] as const)
                : (['revoked', 'The API token expired'] as const);
            data.expiry = setTimeout(() => void this.endConnection(socket as EventsSocket, reason, message), delay);
            data.expiry.unref();
          }
          next();
        },
        () => next(new Error('unauthorized')),
      );
    });
    this.accessChanges.onChange((change) => void this.onAccessChange(change));
  }

  async handleConnection(client: EventsSocket): Promise<void> {
    client.emit('system:status', await this.system.status());
  }

  async handleDisconnect(client: EventsSocket): Promise<void> {
    clearTimeout(client.data.expiry);
    const subscriptions = client.data.subscriptions;
    if (!subscriptions) return;
    const open = [...subscriptions.values()];
    subscriptions.clear();
    await Promise.all(
      open.map(({ stop }) => stop().catch((error: unknown) => this.logger.warn({ err: error }, 'live: stopping a subscription failed'))),
    );
  }

  /** Stops one subscription and tells the client why. */
  private async end(client: EventsSocket, subscriptionId: string, reason: LiveEndReason, message: string): Promise<void> {
    const open = client.data.subscriptions.get(subscriptionId);
    if (!open) return;
    client.data.subscriptions.delete(subscriptionId);
    client.emit('live:ended', { subscriptionId, reason, message });
    await open.stop().catch((error: unknown) => this.logger.warn({ err: error }, 'live: stopping a subscription failed'));
  }

  /**
   * The credential no longer works: every subscription ends with the reason, then the connection.
   * `afterAck`: closing waits for the current message's acknowledgement, which the framework drops
   * once the socket is closed; it is sent as the handler's promise settles, before the next macrotask.
   */
  private async endConnection(client: EventsSocket, reason: LiveEndReason, message: string, afterAck = false): Promise<void> {
    await Promise.all([...client.data.subscriptions.keys()].map((id) => this.end(client, id, reason, message)));
    if (afterAck) setImmediate(() => client.disconnect(true));
    else client.disconnect(true);
  }

  /** Authenticates the connection's credential again; when that fails the connection ends and this throws. */
  private async reauthenticate(client: EventsSocket, afterAck = false): Promise<Caller> {
    try {
      const caller = await this.authenticator.authenticate(client.data.credential);
      client.data.caller = caller;
      return caller;
    } catch (error) {
      if (error instanceof AppException) {
        await this.endConnection(client, error.code === ErrorCode.SessionExpired ? 'expired' : 'revoked', error.message, afterAck);
      }
      throw error;
    }
  }

  private async onAccessChange(change: AccessChange): Promise<void> {
    if (!this.namespace) return;
    const affected = [...this.namespace.sockets.values()].filter(
      (socket) => (socket.data as Partial<SocketData>).caller?.userId === change.userId,
    ) as EventsSocket[];
    await Promise.all(
      affected.map((client) =>
        this.recheck(client).catch((error: unknown) => this.logger.warn({ err: error }, 'live: re-checking a connection failed')),
      ),
    );
  }

  private async recheck(client: EventsSocket): Promise<void> {
    let caller: Caller;
    try {
      caller = await this.reauthenticate(client);
    } catch (error) {
      if (error instanceof AppException) return; // reauthenticate ended the connection
      // Access could not be confirmed (database unreachable): fail closed; the client reconnects.
      await this.endConnection(client, 'revoked', 'Access could not be confirmed: reconnect');
      throw error;
    }
    for (const [subscriptionId, open] of [...client.data.subscriptions]) {
      try {
        await open.recheck(caller);
      } catch (error) {
        const message = error instanceof AppException ? error.message : 'Access could not be confirmed';
        await this.end(client, subscriptionId, 'forbidden', message);
      }
    }
  }

  @SubscribeMessage('system:status:get')
  async current(): Promise<SystemStatus> {
    return this.system.status();
  }

  @SubscribeMessage('live:subscribe')
  async subscribe(@ConnectedSocket() client: EventsSocket, @MessageBody() message: unknown): Promise<LiveSubscribeResult> {
    try {
      const request = (typeof message === 'object' && message !== null ? message : {}) as Record<string, unknown>;
      const subscriptionId = request.subscriptionId;
      if (typeof subscriptionId !== 'string' || !SUBSCRIPTION_ID_PATTERN.test(subscriptionId)) {
        throw AppException.validation([{ field: 'subscriptionId', message: 'subscriptionId must be 1-64 letters, digits, - or _' }]);
      }
      const subscriptions = client.data.subscriptions;
      if (subscriptions.has(subscriptionId)) {
        throw new AppException(ErrorCode.Conflict, `Subscription ${subscriptionId} already exists on this connection`);
      }
      if (subscriptions.size >= MAX_SUBSCRIPTIONS_PER_SOCKET) throw tooManySubscriptions(MAX_SUBSCRIPTIONS_PER_SOCKET);

      const handler = this.registry.handler(request.kind);
      const caller = await this.reauthenticate(client, true);
      const subscription = await handler.authorize(caller, request as never);
      const emit = (entry: { id: string; event: unknown }) => client.emit('live:event', { subscriptionId, id: entry.id, event: entry.event });
      const stopFollowing = subscription.follow
        ? await subscription.follow(emit)
        : await this.subscriber.follow(subscription.topic, subscription.after, emit);
      const stop = async () => {
        await stopFollowing();
        await subscription.onStop?.();
      };
      if (client.disconnected) {
        await stop();
        return failure(new AppException(ErrorCode.ServiceUnavailable, 'Disconnected'));
      }
      subscriptions.set(subscriptionId, { stop, recheck: subscription.recheck });
      try {
        await subscription.onStart?.();
      } catch (error) {
        subscriptions.delete(subscriptionId);
        await stop();
        throw error;
      }
      return { ok: true, subscriptionId };
    } catch (error) {
      if (!(error instanceof AppException)) this.logger.error({ err: error }, 'live: subscribe failed');
      return failure(error);
    }
  }

  @SubscribeMessage('live:unsubscribe')
  async unsubscribe(@ConnectedSocket() client: EventsSocket, @MessageBody() subscriptionId: unknown): Promise<boolean> {
    if (typeof subscriptionId !== 'string') return false;
    const open = client.data.subscriptions.get(subscriptionId);
    if (!open) return false;
    client.data.subscriptions.delete(subscriptionId);
    await open.stop();
    return true;
  }

  private async pushIfChanged(): Promise<void> {
    if (!this.namespace || this.namespace.sockets.size === 0) return;
    const status = await this.system.status();
    const next = fingerprint(status);
    if (next !== this.last) {
      this.last = next;
      this.namespace.emit('system:status', status);
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }
}
