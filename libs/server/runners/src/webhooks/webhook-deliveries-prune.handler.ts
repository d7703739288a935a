import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { JobName, type JobResult, WEBHOOK_KEEP_LATEST, WEBHOOK_RETENTION_DAYS } from '@zpanel/contracts';
import { HandlesJob, type JobHandler } from '@zpanel/queue';
import { DataSource } from 'typeorm';

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
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async handle(): Promise<JobResult<JobName.WebhookDeliveriesPrune>> {
    return this.run(new Date());
  }

  async run(now: Date): Promise<JobResult<JobName.WebhookDeliveriesPrune>> {
    const cutoff = new Date(now.getTime() - WEBHOOK_RETENTION_DAYS * DAY_MS);
    const [, deleted]: [unknown, number] = await this.dataSource.query(
      `DELETE FROM "webhook_deliveries" d
        USING (
          SELECT "id" FROM (
            SELECT "id", "received_at", row_number() OVER (PARTITION BY "application_id" ORDER BY "received_at" DESC, "id" DESC) AS "rank"
              FROM "webhook_deliveries"
          ) ranked
          WHERE ranked."received_at" < $1 AND ranked."rank" > $2
        ) old
        WHERE d."id" = old."id"`,
      [cutoff, WEBHOOK_KEEP_LATEST],
    );
    return { deleted };
  }
}
