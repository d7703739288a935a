import { JobName, type MailSendJob } from '@zpanel/contracts';
import type { JobProducer } from './job-producer';

/*
 * Postgres holds the truth (an event's `fanned_out_at`, a delivery's status and next attempt), so
 * these jobs carry ids only and are dropped when done: the reaper (`notifications.reap`) can then
 * tell a lost job from a waiting one and queue it again. Job ids make a second enqueue a no-op.
 */
const DONE = { removeOnComplete: true, removeOnFail: { age: 86_400 } } as const;

/** Fans out an event (its row committed): the recorder right after the insert, the reaper for one left behind. */
export function enqueueNotificationFanout(producer: Pick<JobProducer, 'enqueue'>, eventId: string): Promise<string> {
  // Three quick tries: a fan-out only reads and inserts rows; the reaper takes over after that.
  return producer.enqueue(
    JobName.NotificationsFanout,
    { eventId },
    { jobId: `fanout-${eventId}`, attempts: 3, backoff: { type: 'fixed', delay: 1_000 }, ...DONE },
  );
}

/**
 * One attempt of a delivery, after `delayMs` (0: now). Each attempt is its own job (`attempt` in the
 * id), so a retry never collides with the job that scheduled it; the delivery's row counts attempts.
 */
export function enqueueNotificationDelivery(
  producer: Pick<JobProducer, 'enqueue'>,
  deliveryId: string,
  attempt: number,
  delayMs = 0,
): Promise<string> {
  return producer.enqueue(
    JobName.NotificationDeliver,
    { deliveryId },
    { jobId: `deliver-${deliveryId}-${attempt}`, attempts: 1, delay: Math.max(0, delayMs), ...DONE },
  );
}

/**
 * One email through the instance's SMTP settings (a reset link, an invitation, a person's own
 * notice). The message is sealed (MailSendJob); no row backs it, so the job itself retries: a few
 * attempts with exponential backoff (about 2, 4, 8, 16 s) for an SMTP server that is briefly away.
 * Kept a day when failed, for the operator to see why.
 */
export function enqueueMail(producer: Pick<JobProducer, 'enqueue'>, job: MailSendJob): Promise<string> {
  return producer.enqueue(JobName.MailSend, job, {
    attempts: 5,
    backoff: { type: 'exponential', delay: 2_000 },
    removeOnComplete: true,
    removeOnFail: { age: 86_400 },
  });
}
