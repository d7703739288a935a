import type { OnModuleDestroy } from '@nestjs/common';
import { type OnGatewayConnection, SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { type ClientToServerEvents, EVENTS_NAMESPACE, type ServerToClientEvents, type SystemStatus } from '@zpanel/contracts';
import type { Namespace, Socket } from 'socket.io';
import { SystemService } from './system.service';

const STATUS_POLL_MS = 5_000;

/** What a client cares to be told about: readiness and which workers run, not latencies. */
function fingerprint(status: SystemStatus): string {
  return JSON.stringify([status.readiness.status, status.readiness.failing, status.workers.map((w) => w.id)]);
}

/**
 * Live events for the SPA. For now: system status on connect, on request, and pushed when it
 * changes. (Authentication of the handshake and per-subscribe authorization arrive with teams.)
 */
@WebSocketGateway({ namespace: EVENTS_NAMESPACE })
export class EventsGateway implements OnGatewayConnection, OnModuleDestroy {
  @WebSocketServer()
  private readonly namespace: Namespace<ClientToServerEvents, ServerToClientEvents>;

  private last?: string;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly system: SystemService) {
    this.timer = setInterval(() => void this.pushIfChanged(), STATUS_POLL_MS);
    this.timer.unref();
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
