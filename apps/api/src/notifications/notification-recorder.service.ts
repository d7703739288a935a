import { Injectable } from '@nestjs/common';
import { InjectLogger } from '@zpanel/core';
import { type NotificationEventInput, NotificationEventsRepository } from '@zpanel/database';
import { JobProducer, enqueueNotificationFanout } from '@zpanel/queue';
import type { Logger } from 'pino';

/**
 * The API's side of recording a notification event (a person's sign-in from a new address, a 2FA
 * change, a queued deployment cancelled): the row, then its fan-out queued. The worker's runs use
 * `Notifier` (libs/server/runners) the same way; the API may not import runners. Never throws: the
 * request it reports on has succeeded.
 */
@Injectable()
export class NotificationRecorder {
  private readonly log: Logger;

  constructor(
    private readonly events: NotificationEventsRepository,
    private readonly jobs: JobProducer,
    @InjectLogger() logger: Logger,
  ) {
    this.log = logger.child({ component: 'notifications' });
  }

  async record(input: NotificationEventInput): Promise<void> {
    try {
      const event = await this.events.record(input);
      await enqueueNotificationFanout(this.jobs, event.id);
    } catch (error) {
      // A recorded event whose enqueue failed is fanned out by the worker's reaper.
      this.log.warn({ err: error, kind: input.kind }, 'notification event not recorded or not queued');
    }
  }
}
