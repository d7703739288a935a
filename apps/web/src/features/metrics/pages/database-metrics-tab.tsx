import type { DatabaseStatsDto } from '@zpanel/contracts';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ErrorState } from '../../../components/error-state';
import { Skeleton } from '../../../components/skeleton';
import { fetchDatabaseStats } from '../../../shared/databases/api';
import { useDatabaseOutlet } from '../../../shared/databases/database-outlet';
import { databaseKeys } from '../../../shared/databases/queries';
import type { ChartPoint } from '../../../shared/metrics/metric-points';
import { bytes } from '../../../shared/servers/labels';
import { MetricChart } from '../components/metric-chart';
import '../metrics.css';

/** How often the latest sample is asked for while the tab is open (the server's checks take them, every check interval). */
export const DATABASE_STATS_POLL_MS = 5_000;
/** Samples kept on screen: an hour at the shortest check interval (5 s). */
export const MAX_DATABASE_STATS_POINTS = 720;

const percentOf = (used: number | null, limit: number | null) => (used === null || limit === null || limit <= 0 ? null : (used / limit) * 100);

function chartPoint(stats: DatabaseStatsDto & { sampledAt: string }): ChartPoint {
  return { t: Date.parse(stats.sampledAt), cpu: stats.cpuPercent, memory: percentOf(stats.memoryBytes, stats.memoryLimitBytes), disk: null };
}

/**
 * The database container's CPU and memory as the server's checks sample them. Only the latest
 * sample is served, so the charts start with it and grow with each new one while the tab is open.
 */
export function DatabaseMetricsTab() {
  const { database, teamId } = useDatabaseOutlet();
  const stats = useQuery({
    queryKey: [...databaseKeys.detail(teamId, database.id), 'stats'],
    queryFn: ({ signal }) => fetchDatabaseStats(database.id, signal),
    refetchInterval: DATABASE_STATS_POLL_MS,
    gcTime: 0,
  });
  const [points, setPoints] = useState<ChartPoint[]>([]);
  const sample = stats.data;

  useEffect(() => {
    // No sample yet, or none recent: the server's checks have not seen the container lately.
    if (!sample || sample.sampledAt === null) return;
    const point = chartPoint({ ...sample, sampledAt: sample.sampledAt });
    setPoints((current) => {
      if (current.length > 0 && current[current.length - 1].t >= point.t) return current;
      const next = [...current, point];
      return next.length > MAX_DATABASE_STATS_POINTS ? next.slice(next.length - MAX_DATABASE_STATS_POINTS) : next;
    });
  }, [sample]);

  const memoryDetail =
    sample?.memoryBytes !== null && sample?.memoryBytes !== undefined && sample.memoryLimitBytes !== null
      ? `${bytes(sample.memoryBytes)} of ${bytes(sample.memoryLimitBytes)}`
      : undefined;

  return (
    <section className="panel server-metrics" aria-label="Metrics">
      <header className="server-metrics__head">
        <h2 className="applications__heading">CPU and memory</h2>
        <span className="muted">From the server&apos;s checks, drawn while this tab is open</span>
      </header>
      {stats.isPending && <Skeleton lines={4} />}
      {stats.isError && <ErrorState error={stats.error} />}
      {stats.isSuccess && points.length === 0 && (
        <div className="empty-state" data-testid="database-metrics-empty">
          No recent sample: the server&apos;s checks have not seen the container running in the last minutes.
        </div>
      )}
      {points.length > 0 && (
        <div className="server-metrics__charts" data-testid="database-metrics-charts">
          <MetricChart metric="cpu" title="CPU" points={points} range="1h" />
          <MetricChart metric="memory" title="Memory" points={points} range="1h" detail={memoryDetail} />
        </div>
      )}
    </section>
  );
}
