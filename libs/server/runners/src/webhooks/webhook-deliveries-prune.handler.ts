import { Injectable } from '@nestjs/common';
import { JobName, type JobResult, WEBHOOK_KEEP_LATEST, WEBHOOK_RETENTION_DAYS } from '@zpanel/contracts';
import { WebhookDeliveriesRepository } from '@zpanel/database';
import { HandlesJob, type JobHandler } from '@zpanel/queue';

const DAY_MS = 86_400_000;

/**
 * Hourly: deletes webhook deliveries older than 30 days, except each application's latest 100
 * (an application pushed to rarely still shows why its last deliveries did or did not deploy).
 * Deliveries that matched no application count as one group. A redelivery after its row is pruned
 * is handled as new, which is what the provider expects after that long.
 */
@Injectable()
@HandlesJob(JobName.WebhookDeliveriesPrune)
export class WebhookDeliveriesPruneHandler implements JobHandler<JobName.WebhookDeliveriesPrune> {
  constructor(private readonly deliveries: WebhookDeliveriesRepository) {}

  async handle(): Promise<JobResult<JobName.WebhookDeliveriesPrune>> {
    return this.run(new Date());
  }

  async run(now: Date): Promise<JobResult<JobName.WebhookDeliveriesPrune>> {
    const cutoff = new Date(now.getTime() - WEBHOOK_RETENTION_DAYS * DAY_MS);
    return { deleted: await this.deliveries.prune(cutoff, WEBHOOK_KEEP_LATEST) };
  }
}
