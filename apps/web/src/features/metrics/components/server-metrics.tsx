import { METRICS_RANGES, type MetricsRange, type ServerDto, type ServerMetricSampleDto } from '@zpanel/contracts';
import { useSearchParams } from 'react-router';
import { ErrorState } from '../../../components/error-state';
import { Skeleton } from '../../../components/skeleton';
import { StatusBadge } from '../../../components/status-badge';
import type { LiveSubscriptionState } from '../../../lib/use-live-subscription';
import { bytes } from '../../../shared/servers/labels';
import { RANGE_LABELS } from '../labels';
import { chartPoints } from '../../../shared/metrics/metric-points';
import { useServerMetrics } from '../../../shared/metrics/queries';
import { LatestSample } from './latest-sample';
import { MetricChart } from './metric-chart';
import '../metrics.css';

interface ServerMetricsProps {
  teamId: string;
  server: ServerDto;
  /** The server page's subscription, which feeds new samples into the last hour. */
  live: LiveSubscriptionState;
}

/** CPU, memory and disk over a chosen range, live for the last hour, and the newest sample's details. */
export function ServerMetrics({ teamId, server, live }: ServerMetricsProps) {
  const [range, setRange] = useRangeParam();
  const metrics = useServerMetrics(teamId, server.id, range);
  // The newest raw sample (with load and containers) comes from the live hour whatever range is shown.
  const hour = useServerMetrics(teamId, server.id, '1h');
  const newest = hour.data?.points.at(-1);

  return (
    <section className="panel server-metrics" aria-label="Metrics">
      <header className="server-metrics__head">
        <h2 className="servers__heading">Metrics</h2>
        <div className="server-metrics__ranges" role="group" aria-label="Range">
          {METRICS_RANGES.map((value) => (
            <button
              key={value}
              type="button"
              className={value === range ? 'button button--small' : 'button button--secondary button--small'}
              aria-pressed={value === range}
              onClick={() => setRange(value)}
            >
              {RANGE_LABELS[value]}
            </button>
          ))}
        </div>
        <LiveState live={live} range={range} resolutionSeconds={metrics.data?.resolutionSeconds} />
      </header>
      {metrics.isPending && <Skeleton lines={4} />}
      {metrics.isError && <ErrorState error={metrics.error} />}
      {metrics.isSuccess && metrics.data.points.length === 0 && (
        <div className="empty-state" data-testid="metrics-empty">
          No samples yet — the first check runs within {server.checkIntervalSeconds} s.
        </div>
      )}
      {metrics.isSuccess && metrics.data.points.length > 0 && (
        <Charts
          points={metrics.data.points}
          // Raw samples are an interval apart whatever width the answer names: gaps are measured against the wider.
          resolutionSeconds={Math.max(metrics.data.resolutionSeconds, server.checkIntervalSeconds)}
          range={range}
          newest={newest}
        />
      )}
      {newest && <LatestSample sample={newest} />}
    </section>
  );
}

function Charts({
  points,
  resolutionSeconds,
  range,
  newest,
}: {
  points: ServerMetricSampleDto[];
  resolutionSeconds: number;
  range: MetricsRange;
  newest?: ServerMetricSampleDto;
}) {
  const series = chartPoints(points, resolutionSeconds);
  const reachable = newest?.reachable ? newest : undefined;
  const of = (used: number | null | undefined, total: number | null | undefined) =>
    used === null || used === undefined || total === null || total === undefined ? undefined : `${bytes(used)} of ${bytes(total)}`;
  return (
    <div className="server-metrics__charts" data-testid="metrics-charts" data-range={range}>
      <MetricChart metric="cpu" title="CPU" points={series} range={range} />
      <MetricChart
        metric="memory"
        title="Memory"
        points={series}
        range={range}
        detail={of(reachable?.memoryUsedBytes, reachable?.memoryTotalBytes)}
      />
      <MetricChart metric="disk" title="Disk" points={series} range={range} detail={of(reachable?.diskUsedBytes, reachable?.diskTotalBytes)} />
    </div>
  );
}

function LiveState({ live, range, resolutionSeconds }: { live: LiveSubscriptionState; range: MetricsRange; resolutionSeconds?: number }) {
  if (live.status === 'error') {
    return (
      <span className="server-metrics__live" data-testid="metrics-live">
        <StatusBadge tone="down">Live updates unavailable</StatusBadge>
        <span className="servers__muted">{live.message}</span>
      </span>
    );
  }
  if (range !== '1h') {
    return (
      <span className="server-metrics__live servers__muted" data-testid="metrics-live">
        {resolutionSeconds ? `Averages over ${bucket(resolutionSeconds)}` : 'Averages'}
      </span>
    );
  }
  return (
    <span className="server-metrics__live" data-testid="metrics-live">
      {live.status === 'live' ? <StatusBadge tone="ok">Live</StatusBadge> : <StatusBadge tone="neutral">Connecting…</StatusBadge>}
    </span>
  );
}

function bucket(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

/** The `range` search parameter (1h when absent or unknown), so a chosen range survives a reload. */
function useRangeParam(): [MetricsRange, (range: MetricsRange) => void] {
  const [params, setParams] = useSearchParams();
  const raw = params.get('range');
  const range = METRICS_RANGES.find((value) => value === raw) ?? '1h';
  const setRange = (next: MetricsRange) =>
    setParams(
      (current) => {
        const updated = new URLSearchParams(current);
        if (next === '1h') updated.delete('range');
        else updated.set('range', next);
        return updated;
      },
      { replace: true },
    );
  return [range, setRange];
}
