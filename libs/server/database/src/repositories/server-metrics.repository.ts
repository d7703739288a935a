import type { ContainerMetricDto, ServerMetricSampleDto } from '@zpanel/contracts';
import type { EntityTarget } from 'typeorm';
import { ServerMetricEntity } from '../entities';
import { EntityRepository } from './entity-repository';
import type { TeamScope } from './team-scope';

/** A point of a server's chart: a raw sample, or an average over a bucket of them. */
export interface MetricPointRow {
  ts: Date;
  reachable: boolean;
  cpu_percent: number | null;
  memory_used_bytes: number | null;
  memory_total_bytes: number | null;
  disk_used_bytes: number | null;
  disk_total_bytes: number | null;
  load1: number | null;
  load5: number | null;
  load15: number | null;
  containers: ContainerMetricDto[] | null;
}

/** The figures alert rules look at, of one raw sample. */
export type RuleSampleRow = Pick<
  MetricPointRow,
  'ts' | 'reachable' | 'cpu_percent' | 'memory_used_bytes' | 'memory_total_bytes' | 'disk_used_bytes' | 'disk_total_bytes' | 'load1'
>;

const FIGURES = [
  'cpu_percent',
  'memory_used_bytes',
  'memory_total_bytes',
  'disk_used_bytes',
  'disk_total_bytes',
  'load1',
  'load5',
  'load15',
] as const;

const big = (n: number | null): string | null => (n === null ? null : String(Math.round(n)));

/**
 * Servers' samples: written by the worker's checks (raw), folded into 1-minute averages by the
 * retention job, read by the API as charts. Keyed by (server, resolution, ts).
 */
export class ServerMetricsRepository extends EntityRepository<ServerMetricEntity> {
  protected readonly target: EntityTarget<ServerMetricEntity> = ServerMetricEntity;

  /** The raw samples of the last `seconds`, oldest first. */
  rawPoints(team: TeamScope, serverId: string, seconds: number): Promise<MetricPointRow[]> {
    return this.manager.query(
      `SELECT "ts", "reachable", ${FIGURES.map((f) => `"${f}"::float8 AS "${f}"`).join(', ')}, "containers"
         FROM "server_metrics"
        WHERE "server_id" = $1 AND "team_id" = $3 AND "resolution" = 'raw' AND "ts" > now() - make_interval(secs => $2)
        ORDER BY "ts"`,
      [serverId, seconds, team.teamId],
    );
  }

  /** The newest raw sample of the last `seconds` with its per-container usage, or null when there is none. */
  async latestContainers(team: TeamScope, serverId: string, seconds: number): Promise<{ ts: Date; containers: ContainerMetricDto[] } | null> {
    const [row]: { ts: Date; containers: ContainerMetricDto[] | null }[] = await this.manager.query(
      `SELECT "ts", "containers"
         FROM "server_metrics"
        WHERE "server_id" = $1 AND "team_id" = $3 AND "resolution" = 'raw' AND "ts" > now() - make_interval(secs => $2)
        ORDER BY "ts" DESC
        LIMIT 1`,
      [serverId, seconds, team.teamId],
    );
    return row ? { ts: row.ts, containers: row.containers ?? [] } : null;
  }

  /**
   * Averages over fixed buckets of the last `seconds`, of raw samples and of the 1-minute averages
   * the retention job left for older times; a bucket is reachable when any sample in it was, and
   * its figures average the reachable samples.
   */
  bucketedPoints(team: TeamScope, serverId: string, seconds: number, bucketSeconds: number): Promise<MetricPointRow[]> {
    return this.manager.query(
      `SELECT date_bin(make_interval(secs => $3), "ts", TIMESTAMPTZ 'epoch') AS "ts", bool_or("reachable") AS "reachable",
              ${FIGURES.map((f) => `(avg("${f}") FILTER (WHERE "reachable"))::float8 AS "${f}"`).join(', ')}, NULL AS "containers"
         FROM "server_metrics"
        WHERE "server_id" = $1 AND "team_id" = $4 AND "resolution" IN ('raw', '1m') AND "ts" > now() - make_interval(secs => $2)
        GROUP BY 1
        ORDER BY 1`,
      [serverId, seconds, bucketSeconds, team.teamId],
    );
  }

  /** Stores a check's sample; a second one for the same instant (a retried check) is ignored. */
  async addRaw(server: { id: string; teamId: string }, sample: ServerMetricSampleDto, ts: Date): Promise<void> {
    await this.manager
      .createQueryBuilder()
      .insert()
      .into(ServerMetricEntity)
      .values({
        serverId: server.id,
        teamId: server.teamId,
        resolution: 'raw',
        ts,
        reachable: sample.reachable,
        cpuPercent: sample.cpuPercent,
        memoryUsedBytes: big(sample.memoryUsedBytes),
        memoryTotalBytes: big(sample.memoryTotalBytes),
        diskUsedBytes: big(sample.diskUsedBytes),
        diskTotalBytes: big(sample.diskTotalBytes),
        load1: sample.load1,
        load5: sample.load5,
        load15: sample.load15,
        containers: sample.containers,
      })
      .orIgnore()
      .execute();
  }

  /** Raw samples taken in [from, before), newest first. */
  rawSamplesBetween(serverId: string, from: Date, before: Date): Promise<RuleSampleRow[]> {
    return this.manager.query(
      `SELECT "ts", "reachable", "cpu_percent", "memory_used_bytes"::float8 AS "memory_used_bytes", "memory_total_bytes"::float8 AS "memory_total_bytes",
              "disk_used_bytes"::float8 AS "disk_used_bytes", "disk_total_bytes"::float8 AS "disk_total_bytes", "load1"
         FROM "server_metrics"
        WHERE "server_id" = $1 AND "resolution" = 'raw' AND "ts" < $2 AND "ts" >= $3
        ORDER BY "ts" DESC`,
      [serverId, before, from],
    );
  }

  /**
   * Folds the server's raw samples before `rawCutoff` (a whole minute) into 1-minute averages,
   * deletes them, and deletes averages before `minuteCutoff`. A minute already folded (a run that
   * died after its insert) is left as it is, so running again never counts a sample twice. An
   * average minute is reachable when any of its samples was; its figures average the reachable
   * samples only (an unreachable sample has none). Run it in a transaction.
   */
  async downsample(
    serverId: string,
    rawCutoff: Date,
    minuteCutoff: Date,
  ): Promise<{ downsampled: number; deletedRaw: number; deletedMinute: number }> {
    const inserted: unknown[] = await this.manager.query(
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
      [serverId, rawCutoff],
    );
    const [, deletedRaw]: [unknown, number] = await this.manager.query(
      `DELETE FROM "server_metrics" WHERE "server_id" = $1 AND "resolution" = 'raw' AND "ts" < $2`,
      [serverId, rawCutoff],
    );
    const [, deletedMinute]: [unknown, number] = await this.manager.query(
      `DELETE FROM "server_metrics" WHERE "server_id" = $1 AND "resolution" = '1m' AND "ts" < $2`,
      [serverId, minuteCutoff],
    );
    return { downsampled: inserted.length, deletedRaw, deletedMinute };
  }
}
