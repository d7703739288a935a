import type { OnModuleDestroy } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayInit, SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { type ClientToServerEvents, EVENTS_NAMESPACE, type ServerToClientEvents, type SystemStatus } from '@zpanel/contracts';
import type { Namespace, Socket } from 'socket.io';
import { BearerAuthenticator } from '../auth/bearer-authenticator.service';
import type { Caller } from '../auth/caller';
import { SystemService } from './system.service';

const STATUS_POLL_MS = 5_000;

/** What a client cares to be told about: readiness and which workers run, not latencies. */
function fingerprint(status: SystemStatus): string {
  return JSON.stringify([status.readiness.status, status.readiness.failing, status.workers.map((w) => w.id)]);
}

/** What the handshake middleware leaves on an authenticated socket. */
export interface SocketData {
  caller: Caller;
}

/**
 * Live events for the SPA. Every connection is authenticated at the handshake with the same bearer
 * credentials as HTTP (`auth: { token }`); a connection without a valid one is refused before any
 * event is sent. Team-scoped subscriptions (deployment logs) check membership per subscribe.
 */
@WebSocketGateway({ namespace: EVENTS_NAMESPACE })
export class EventsGateway implements OnGatewayInit, OnGatewayConnection, OnModuleDestroy {
  @WebSocketServer()
  private readonly namespace: Namespace<ClientToServerEvents, ServerToClientEvents>;

  private last?: string;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly system: SystemService,
    private readonly authenticator: BearerAuthenticator,
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
          next();
        },
        () => next(new Error('unauthorized')),
      );
    });
  }

  async handleConnection(client: Socket<ClientToServerEvents, ServerToClientEvents>): Promise<void> {
    client.emit('system:status', await this.system.status());
  }

  @SubscribeMessage('system:status:get')
  async current(): Promise<SystemStatus> {
    return this.system.status();
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
