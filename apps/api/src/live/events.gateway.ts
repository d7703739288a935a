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
  type LiveSubscribeResult,
  type ServerToClientEvents,
  SUBSCRIPTION_ID_PATTERN,
  type SystemStatus,
} from '@zpanel/contracts';
import { AppException, InjectLogger } from '@zpanel/core';
import { LiveSubscriber } from '@zpanel/queue';
import type { Logger } from 'pino';
import type { Namespace, Socket } from 'socket.io';
import { BearerAuthenticator } from '../auth/bearer-authenticator.service';
import type { Caller } from '../auth/caller';
import { SystemService } from '../system/system.service';
import { LiveRegistry, tooManySubscriptions } from './live-registry';

const STATUS_POLL_MS = 5_000;
const MAX_SUBSCRIPTIONS_PER_SOCKET = 50;

/** What a client cares to be told about: readiness and which workers run, not latencies. */
function fingerprint(status: SystemStatus): string {
  return JSON.stringify([
    status.readiness.status,
    status.readiness.failing,
    status.workers.map((w) => w.id),
    status.repeatingJobs.filter((job) => job.overdue).map((job) => job.name),
  ]);
}

/** What the handshake middleware leaves on an authenticated socket. */
export interface SocketData {
  caller: Caller;
  /** Stop functions of this connection's live subscriptions, by the client's subscription id. */
  subscriptions: Map<string, () => Promise<void>>;
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
 * event is sent. Every `live:subscribe` is authorized by the handler registered for its kind, which
 * checks the caller's access to the resource's team.
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
      this.authenticator.authenticate(token).then(
        (caller) => {
          (socket.data as SocketData).caller = caller;
          (socket.data as SocketData).subscriptions = new Map();
          next();
        },
        () => next(new Error('unauthorized')),
      );
    });
  }

  async handleConnection(client: EventsSocket): Promise<void> {
    client.emit('system:status', await this.system.status());
  }

  async handleDisconnect(client: EventsSocket): Promise<void> {
    const subscriptions = client.data.subscriptions;
    if (!subscriptions) return;
    const stops = [...subscriptions.values()];
    subscriptions.clear();
    await Promise.all(stops.map((stop) => stop().catch((error: unknown) => this.logger.warn({ err: error }, 'live: stopping a subscription failed'))));
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
      const subscription = await handler.authorize(client.data.caller, request as never);
      const emit = (entry: { id: string; event: unknown }) => client.emit('live:event', { subscriptionId, id: entry.id, event: entry.event });
      const stopFollowing = subscription.follow ? await subscription.follow(emit) : await this.subscriber.follow(subscription.topic, subscription.after, emit);
      const stop = async () => {
        await stopFollowing();
        await subscription.onStop?.();
      };
      if (client.disconnected) {
        await stop();
        return failure(new AppException(ErrorCode.ServiceUnavailable, 'Disconnected'));
      }
      subscriptions.set(subscriptionId, stop);
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
    const stop = client.data.subscriptions.get(subscriptionId);
    if (!stop) return false;
    client.data.subscriptions.delete(subscriptionId);
    await stop();
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
