import { Injectable } from '@nestjs/common';
import {
  type AlertEventDto,
  LiveTopics,
  type ReasonCode,
  type ServerLiveEvent,
  type ServerMetricSampleDto,
  type ServerStatus,
} from '@zpanel/contracts';
import { InjectLogger } from '@zpanel/core';
import { LiveStreams } from '@zpanel/queue';
import type { Logger } from 'pino';

/** A server topic gets a sample every few seconds; nobody replays them (the SPA reads history over REST). */
const SERVER_TOPIC = { maxLen: 1_000 };

/**
 * Pushes server events to the SPA: samples to the server's topic; status changes and alerts to the
 * server's topic and to its team's (the servers list). Postgres already has every figure, so a push
 * that fails is logged and the job carries on: a live view misses one event, nothing is lost.
 */
@Injectable()
export class ServerLiveEvents {
  private readonly logger: Logger;

  constructor(
    private readonly streams: LiveStreams,
    @InjectLogger() logger: Logger,
  ) {
    this.logger = logger.child({ component: 'server-live-events' });
  }

  async status(
    server: { id: string; teamId: string },
    status: ServerStatus,
    statusReason: string | null,
    statusReasonCode: ReasonCode | null,
  ): Promise<void> {
    await this.toServerAndTeam(server, { type: 'status', serverId: server.id, status, statusReason, statusReasonCode });
  }

  async alert(server: { id: string; teamId: string }, alert: AlertEventDto): Promise<void> {
    await this.toServerAndTeam(server, { type: 'alert', serverId: server.id, alert });
  }

  async metrics(serverId: string, sample: ServerMetricSampleDto): Promise<void> {
    await this.push(() => this.streams.append(LiveTopics.server(serverId), { type: 'metrics', serverId, sample }, SERVER_TOPIC), serverId, 'metrics');
  }

  private async toServerAndTeam(server: { id: string; teamId: string }, event: ServerLiveEvent): Promise<void> {
    await Promise.all([
      this.push(() => this.streams.append(LiveTopics.server(server.id), event, SERVER_TOPIC), server.id, event.type),
      this.push(() => this.streams.append(LiveTopics.team(server.teamId), event), server.id, event.type),
    ]);
  }

  private async push(append: () => Promise<string>, serverId: string, type: ServerLiveEvent['type']): Promise<void> {
    try {
      await append();
    } catch (error) {
      this.logger.warn({ err: error, serverId, type }, 'live event not pushed');
    }
  }
}
