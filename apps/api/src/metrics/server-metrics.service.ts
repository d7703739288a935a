import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  AlertEventDto,
  AlertState,
  ContainerMetricDto,
  MetricsRange,
  PageQuery,
  Paginated,
  ServerMetricSampleDto,
  ServerMetricsDto,
} from '@zpanel/contracts';
import { type AppConfig, InjectConfig } from '@zpanel/core';
import { AlertEventEntity, ServerEntity, toAlertEventDto } from '@zpanel/database';
import { DataSource, IsNull, Not } from 'typeorm';
import { pageWindow, paginated } from '../http/pagination';

/** How far back each range looks, and the width of its averaged buckets (1h shows raw samples). */
const RANGES: Record<MetricsRange, { seconds: number; bucketSeconds: number | null }> = {
  '1h': { seconds: 3_600, bucketSeconds: null },
  '24h': { seconds: 86_400, bucketSeconds: 60 },
  '7d': { seconds: 7 * 86_400, bucketSeconds: 600 },
};

interface PointRow {
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

const round = (value: number | null, digits: number): number | null => (value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits);

function toPoint(row: PointRow): ServerMetricSampleDto {
  return {
    ts: row.ts.toISOString(),
    reachable: row.reachable,
    cpuPercent: round(row.cpu_percent, 2),
    memoryUsedBytes: round(row.memory_used_bytes, 0),
    memoryTotalBytes: round(row.memory_total_bytes, 0),
    diskUsedBytes: round(row.disk_used_bytes, 0),
    diskTotalBytes: round(row.disk_total_bytes, 0),
    load1: round(row.load1, 2),
    load5: round(row.load5, 2),
    load15: round(row.load15, 2),
    containers: row.containers ?? [],
  };
}

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

/** Reading a server's samples and alerts; the worker writes them. */
@Injectable()
export class ServerMetricsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * 1h: the raw samples. Longer ranges: averages over fixed buckets (at most 1440 points), of raw
   * samples and of the 1-minute averages the retention job left for older times; a bucket is
   * reachable when any sample in it was, and its figures average the reachable samples.
   */
  async metrics(serverId: string, range: MetricsRange): Promise<ServerMetricsDto> {
    const { seconds, bucketSeconds } = RANGES[range];
    let rows: PointRow[];
    let resolutionSeconds: number;
    if (bucketSeconds === null) {
      const server = await this.dataSource
        .getRepository(ServerEntity)
        .findOneOrFail({ where: { id: serverId }, select: { id: true, checkIntervalSeconds: true } });
      resolutionSeconds = server.checkIntervalSeconds ?? this.config.servers.checkIntervalSeconds;
      rows = await this.dataSource.query(
        `SELECT "ts", "reachable", ${FIGURES.map((f) => `"${f}"::float8 AS "${f}"`).join(', ')}, "containers"
           FROM "server_metrics"
          WHERE "server_id" = $1 AND "resolution" = 'raw' AND "ts" > now() - make_interval(secs => $2)
          ORDER BY "ts"`,
        [serverId, seconds],
      );
    } else {
      resolutionSeconds = bucketSeconds;
      rows = await this.dataSource.query(
        `SELECT date_bin(make_interval(secs => $3), "ts", TIMESTAMPTZ 'epoch') AS "ts", bool_or("reachable") AS "reachable",
                ${FIGURES.map((f) => `(avg("${f}") FILTER (WHERE "reachable"))::float8 AS "${f}"`).join(', ')}, NULL AS "containers"
           FROM "server_metrics"
          WHERE "server_id" = $1 AND "resolution" IN ('raw', '1m') AND "ts" > now() - make_interval(secs => $2)
          GROUP BY 1
          ORDER BY 1`,
        [serverId, seconds, bucketSeconds],
      );
    }
    return { serverId, range, resolutionSeconds, points: rows.map(toPoint) };
  }

  /** Newest first; `where` names the server or the team. */
  async alerts(where: { serverId: string } | { teamId: string }, query: PageQuery & { state?: AlertState }): Promise<Paginated<AlertEventDto>> {
    const window = pageWindow(query);
    const state = query.state === 'open' ? { resolvedAt: IsNull() } : query.state === 'resolved' ? { resolvedAt: Not(IsNull()) } : {};
    const [rows, total] = await this.dataSource.getRepository(AlertEventEntity).findAndCount({
      where: { ...where, ...state },
      order: { openedAt: 'DESC', id: 'DESC' },
      skip: window.skip,
      take: window.perPage,
    });
    return paginated(rows.map(toAlertEventDto), total, window);
  }
}
