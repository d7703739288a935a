import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { JobName, type JobResult } from '@zpanel/contracts';
import { ServerMetricsRepository, ServersRepository } from '@zpanel/database';
import { HandlesJob, type JobHandler } from '@zpanel/queue';
import { DataSource } from 'typeorm';

/** Raw samples are kept this long, then folded into 1-minute averages. */
export const RAW_RETENTION_DAYS = 7;
/** 1-minute averages are kept this long. */
export const MINUTE_RETENTION_DAYS = 30;

const DAY_MS = 86_400_000;

/**
 * Hourly: folds each server's raw samples older than 7 days into 1-minute averages, deletes them,
 * and deletes averages older than 30 days. The cut-off is a whole minute, so no minute is ever
 * split between two runs; a minute already folded (a run that died after its insert) is left as it
 * is, so running again never counts a sample twice. One transaction per server keeps each small,
 * and uses the (server, resolution, ts) key instead of scanning every server's rows.
 *
 * An average minute is reachable when any of its samples was; its figures average the reachable
 * samples only (an unreachable sample has none).
 */
@Injectable()
@HandlesJob(JobName.MetricsRetention)
export class MetricsRetentionHandler implements JobHandler<JobName.MetricsRetention> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly servers: ServersRepository,
    private readonly samples: ServerMetricsRepository,
  ) {}

  async handle(): Promise<JobResult<JobName.MetricsRetention>> {
    return this.run(new Date());
  }

  async run(now: Date): Promise<JobResult<JobName.MetricsRetention>> {
    const rawCutoff = new Date(Math.floor((now.getTime() - RAW_RETENTION_DAYS * DAY_MS) / 60_000) * 60_000);
    const minuteCutoff = new Date(now.getTime() - MINUTE_RETENTION_DAYS * DAY_MS);
    const total = { downsampled: 0, deletedRaw: 0, deletedMinute: 0 };
    for (const id of await this.servers.idsAcrossTeams()) {
      const counts = await this.dataSource.transaction((manager) => this.samples.in(manager).downsample(id, rawCutoff, minuteCutoff));
      total.downsampled += counts.downsampled;
      total.deletedRaw += counts.deletedRaw;
      total.deletedMinute += counts.deletedMinute;
    }
    return total;
  }
}
