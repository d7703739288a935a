import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { JobName, type JobResult } from '@zpanel/contracts';
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
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async handle(): Promise<JobResult<JobName.MetricsRetention>> {
    return this.run(new Date());
  }

  async run(now: Date): Promise<JobResult<JobName.MetricsRetention>> {
    const rawCutoff = new Date(Math.floor((now.getTime() - RAW_RETENTION_DAYS * DAY_MS) / 60_000) * 60_000);
    const minuteCutoff = new Date(now.getTime() - MINUTE_RETENTION_DAYS * DAY_MS);
    const servers: { id: string }[] = await this.dataSource.query(`SELECT "id" FROM "servers"`);
    const total = { downsampled: 0, deletedRaw: 0, deletedMinute: 0 };
    for (const { id } of servers) {
      await this.dataSource.transaction(async (manager) => {
        const inserted: unknown[] = await manager.query(
          `INSERT INTO "server_metrics" ("server_id", "team_id", "resolution", "ts", "reachable", "cpu_percent",
                   "memory_used_bytes", "memory_total_bytes", "disk_used_bytes", "disk_total_bytes", "load1", "load5", "load15", "containers")
           SELECT "server_id", "team_id", '1m', date_trunc('minute', "ts"), bool_or("reachable"),
                  avg("cpu_percent") FILTER (WHERE "reachable"),
                  round(avg("memory_used_bytes") FILTER (WHERE "reachable")), round(avg("memory_total_bytes") FILTER (WHERE "reachable")),
                  round(avg("disk_used_bytes") FILTER (WHERE "reachable")), round(avg("disk_total_bytes") FILTER (WHERE "reachable")),
                  avg("load1") FILTER (WHERE "reachable"), avg("load5") FILTER (WHERE "reachable"), avg("load15") FILTER (WHERE "reachable"),
                  '[]'::jsonb
             FROM "server_metrics"
            WHERE "server_id" = $1 AND "resolution" = 'raw' AND "ts" < $2
            GROUP BY "server_id", "team_id", date_trunc('minute', "ts")
           ON CONFLICT ("server_id", "resolution", "ts") DO NOTHING
           RETURNING 1`,
          [id, rawCutoff],
        );
        const [, deletedRaw]: [unknown, number] = await manager.query(
          `DELETE FROM "server_metrics" WHERE "server_id" = $1 AND "resolution" = 'raw' AND "ts" < $2`,
          [id, rawCutoff],
        );
        const [, deletedMinute]: [unknown, number] = await manager.query(
          `DELETE FROM "server_metrics" WHERE "server_id" = $1 AND "resolution" = '1m' AND "ts" < $2`,
          [id, minuteCutoff],
        );
        total.downsampled += inserted.length;
        total.deletedRaw += deletedRaw;
        total.deletedMinute += deletedMinute;
      });
    }
    return total;
  }
}
