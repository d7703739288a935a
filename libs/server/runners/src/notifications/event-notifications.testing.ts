import { createLogger } from '@zpanel/core';
import { NotificationEventsRepository, NotificationPlacesRepository } from '@zpanel/database';
import type { JobProducer } from '@zpanel/queue';
import type { DataSource } from 'typeorm';
import { EventNotifications } from './event-notifications';
import { Notifier } from './notifier';

/**
 * EventNotifications over the real Postgres (the events are recorded as in the worker) and a producer
 * that keeps the ids whose fan-out was queued instead of talking to Redis: the handlers' int-specs
 * assert the recorded rows, the delivery pipeline is tested on its own.
 */
export function eventNotificationsOver(dataSource: DataSource): { notifications: EventNotifications; fannedOut: string[] } {
  const fannedOut: string[] = [];
  const producer = {
    enqueue: async (_name: string, payload: { eventId: string }) => {
      fannedOut.push(payload.eventId);
      return payload.eventId;
    },
  } as unknown as JobProducer;
  const logger = createLogger({ level: 'silent', name: 'test' });
  const notifier = new Notifier(new NotificationEventsRepository(dataSource.manager), producer, logger);
  return { notifications: new EventNotifications(notifier, new NotificationPlacesRepository(dataSource.manager), logger), fannedOut };
}
