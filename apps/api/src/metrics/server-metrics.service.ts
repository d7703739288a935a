import { Injectable } from '@nestjs/common';
import type { AlertEventDto, AlertState, MetricsRange, PageQuery, Paginated, ServerMetricSampleDto, ServerMetricsDto } from '@zpanel/contracts';
import { type AppConfig, InjectConfig } from '@zpanel/core';
import {
  AlertEventsRepository,
  type MetricPointRow,
  ServerMetricsRepository,
  ServersRepository,
  type TeamScope,
  toAlertEventDto,
} from '@zpanel/database';
import { pageWindow, paginated } from '../http/pagination';

/** How far back each range looks, and the width of its averaged buckets (1h shows raw samples). */
const RANGES: Record<MetricsRange, { seconds: number; bucketSeconds: number | null }> = {
  '1h': { seconds: 3_600, bucketSeconds: null },
  '24h': { seconds: 86_400, bucketSeconds: 60 },
  '7d': { seconds: 7 * 86_400, bucketSeconds: 600 },
};

const round = (value: number | null, digits: number): number | null => (value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits);

function toPoint(row: MetricPointRow): ServerMetricSampleDto {
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

/** Reading a server's samples and alerts; the worker writes them. */
@Injectable()
export class ServerMetricsService {
  constructor(
    private readonly servers: ServersRepository,
    private readonly samples: ServerMetricsRepository,
    private readonly alertEvents: AlertEventsRepository,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /**
   * 1h: the raw samples. Longer ranges: averages over fixed buckets (at most 1440 points), of raw
   * samples and of the 1-minute averages the retention job left for older times; a bucket is
   * reachable when any sample in it was, and its figures average the reachable samples.
   */
  async metrics(team: TeamScope, serverId: string, range: MetricsRange): Promise<ServerMetricsDto> {
    const { seconds, bucketSeconds } = RANGES[range];
    let rows: MetricPointRow[];
    let resolutionSeconds: number;
    if (bucketSeconds === null) {
      const server = await this.servers.get(team, serverId);
      resolutionSeconds = server.checkIntervalSeconds ?? this.config.servers.checkIntervalSeconds;
      rows = await this.samples.rawPoints(team, serverId, seconds);
    } else {
      resolutionSeconds = bucketSeconds;
      rows = await this.samples.bucketedPoints(team, serverId, seconds, bucketSeconds);
    }
    return { serverId, range, resolutionSeconds, points: rows.map(toPoint) };
  }

  /** Newest first, of one server or of the whole team. */
  async alerts(team: TeamScope, of: { serverId?: string }, query: PageQuery & { state?: AlertState }): Promise<Paginated<AlertEventDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.alertEvents.history(
      team,
      { serverId: of.serverId, state: query.state },
      { skip: window.skip, take: window.perPage },
    );
    return paginated(rows.map(toAlertEventDto), total, window);
  }
}
