import { Injectable } from '@nestjs/common';
import { JOB_QUEUE, JobName, type JobResult } from '@zpanel/contracts';
import { type AppConfig, InjectConfig, InjectLogger } from '@zpanel/core';
import { NotificationDeliveriesRepository, NotificationEventsRepository } from '@zpanel/database';
import { HandlesJob, type JobHandler, JobProducer, enqueueNotificationDelivery, enqueueNotificationFanout, requeueLostJobs } from '@zpanel/queue';
import type { Logger } from 'pino';

const DAY_MS = 86_400_000;
/** Rows deleted per statement when pruning, so no delete holds many locks for long. */
export const PRUNE_BATCH = 1_000;
/** Pruning runs at most this often per worker process (the reaper itself runs every few seconds). */
export const PRUNE_EVERY_MS = 3_600_000;

/**
 * `notifications.reap` (every NOTIFICATIONS_REAP_MS): Postgres holds the truth, so whatever Redis
 * lost is found again. An event not fanned out for longer than the grace (two reap periods) gets its
 * fan-out queued again; a delivery `queued` or `retrying` whose attempt is due since longer than the
 * grace, and whose job (`deliver-<id>-<attempts + 1>`) is not waiting, delayed or running, gets it
 * queued again (an attempt in flight holds its delivery for its timeout plus a margin, so one whose
 * worker died is taken over after that). At most hourly, deliveries and events older than
 * NOTIFICATIONS_RETENTION_DAYS are deleted in batches.
 */
@Injectable()
@HandlesJob(JobName.NotificationsReap)
export class NotificationsReaperHandler implements JobHandler<JobName.NotificationsReap> {
  private readonly log: Logger;
  private lastPrunedAt = 0;

  constructor(
    private readonly events: NotificationEventsRepository,
    private readonly deliveries: NotificationDeliveriesRepository,
    private readonly jobs: JobProducer,
    @InjectConfig() private readonly config: AppConfig,
    @InjectLogger() logger: Logger,
  ) {
    this.log = logger.child({ component: 'notifications-reaper' });
  }

  async handle(): Promise<JobResult<JobName.NotificationsReap>> {
    return this.run(new Date());
  }

  async run(now: Date, options: { prune?: boolean } = {}): Promise<JobResult<JobName.NotificationsReap>> {
    const graceMs = 2 * this.config.notifications.reapMs;
    const cutoff = new Date(now.getTime() - graceMs);

    const fanoutQueue = this.jobs.queue(JOB_QUEUE[JobName.NotificationsFanout]);
    const fannedOut = await requeueLostJobs(
      fanoutQueue,
      await this.events.notFannedOut(cutoff),
      (id) => enqueueNotificationFanout(this.jobs, id),
      (id) => `fanout-${id}`,
    );

    const deliverQueue = this.jobs.queue(JOB_QUEUE[JobName.NotificationDeliver]);
    const pending = await this.deliveries.pendingDueBefore(cutoff);
    const nextAttempt = new Map(pending.map((row) => [row.id, Number(row.attempts) + 1]));
    const requeued = await requeueLostJobs(
      deliverQueue,
      pending.map((row) => row.id),
      (id) => enqueueNotificationDelivery(this.jobs, id, nextAttempt.get(id) as number),
      (id) => `deliver-${id}-${nextAttempt.get(id)}`,
    );

    let pruned = 0;
    if (options.prune ?? now.getTime() - this.lastPrunedAt >= PRUNE_EVERY_MS) {
      this.lastPrunedAt = now.getTime();
      pruned = await this.prune(new Date(now.getTime() - this.config.notifications.retentionDays * DAY_MS));
    }
    if (fannedOut.length || requeued.length || pruned) {
      this.log.info({ fannedOut, requeued, pruned }, 'notifications reaped');
    }
    return { fannedOut: fannedOut.length, requeued: requeued.length, pruned };
  }

  /** Deliveries first (most rows), then events (their remaining deliveries and read marks go with them). */
  private async prune(before: Date): Promise<number> {
    let pruned = 0;
    for (const batch of [(b: Date) => this.deliveries.pruneBatch(b, PRUNE_BATCH), (b: Date) => this.events.pruneBatch(b, PRUNE_BATCH)]) {
      for (;;) {
        const deleted = await batch(before);
        pruned += deleted;
        if (deleted < PRUNE_BATCH) break;
      }
    }
    return pruned;
  }
}
