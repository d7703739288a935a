import { Injectable } from '@nestjs/common';
import { InjectLogger } from '@zpanel/core';
import { type NotificationEventEntity, type NotificationEventInput, NotificationEventsRepository } from '@zpanel/database';
import { JobProducer, enqueueNotificationFanout } from '@zpanel/queue';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';

/**
 * Where the worker's runs say that something happened (docs/notifications.md, "Events"): the event
 * row is recorded (inside the caller's transaction when `manager` is given, so it commits with the
 * change it reports), then its fan-out is queued. A lost enqueue loses nothing: the reaper fans out
 * events left without one. Never throws: telling people must not fail the run it reports on.
 */
@Injectable()
export class Notifier {
  constructor(
    private readonly events: NotificationEventsRepository,
    private readonly jobs: JobProducer,
    @InjectLogger() logger: Logger,
  ) {
    this.log = logger.child({ component: 'notifier' });
  }

  private readonly log: Logger;

  async notify(input: NotificationEventInput, manager?: EntityManager): Promise<NotificationEventEntity | null> {
    let event: NotificationEventEntity;
    try {
      event = await (manager ? this.events.in(manager) : this.events).record(input);
    } catch (error) {
      this.log.error({ err: error, kind: input.kind }, 'notification event not recorded');
      return null;
    }
    // Inside a transaction the fan-out must wait for the commit: the caller calls `fanOut` after it.
    if (!manager) await this.fanOut(event.id);
    return event;
  }

  /** Queues the fan-out of a recorded event (after the transaction that recorded it committed). */
  async fanOut(eventId: string): Promise<void> {
    try {
      await enqueueNotificationFanout(this.jobs, eventId);
    } catch (error) {
      this.log.warn({ err: error, eventId }, 'notification fan-out not queued; the reaper will');
    }
  }
}
