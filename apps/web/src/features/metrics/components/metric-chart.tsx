import type { MetricsRange } from '@zpanel/contracts';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { dateTime } from '../../../lib/format';
import { percent } from '../labels';
import type { ChartPoint } from '../../../shared/metrics/metric-points';

export type ChartMetric = 'cpu' | 'memory' | 'disk';

interface MetricChartProps {
  metric: ChartMetric;
  title: string;
  points: readonly ChartPoint[];
  range: MetricsRange;
  /** The newest value in words, e.g. "3.1 GB of 8 GB". */
  detail?: string;
}

const HEIGHT = 160;
const hourMinute = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', hour12: false });
const dayMonth = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric' });
const clock = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const tick = (range: MetricsRange) => (t: number) => (range === '7d' ? dayMonth : hourMinute).format(t);

/**
 * One metric over the range, 0..100 %. Null values are gaps. The caption names how many points
 * carry a value and when the newest was taken, so a person (or a browser test) sees a sample arrive.
 */
export function MetricChart({ metric, title, points, range, detail }: MetricChartProps) {
  const measured = points.filter((point) => point[metric] !== null);
  const newest = measured.at(-1);
  const newestIso = newest ? new Date(newest.t).toISOString() : undefined;
  return (
    <figure className="metric-chart" data-testid={`metrics-chart-${metric}`} aria-label={`${title} over the ${range}`}>
      <figcaption className="metric-chart__head">
        <span className="metric-chart__title">{title}</span>
        <span className="metric-chart__value" data-testid={`metrics-chart-${metric}-latest`}>
          {newest ? percent(newest[metric] ?? 0) : '—'}
          {detail && <span className="metric-chart__detail"> · {detail}</span>}
        </span>
      </figcaption>
      {/* initialDimension draws the chart where nothing reports sizes (jsdom) until the observer does. */}
      <ResponsiveContainer width="100%" height={HEIGHT} initialDimension={{ width: 640, height: HEIGHT }}>
        <LineChart data={points as ChartPoint[]} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="t" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={tick(range)} minTickGap={40} />
          <YAxis domain={[0, 100]} ticks={[0, 50, 100]} tickFormatter={(value: number) => `${value} %`} width={48} />
          <Tooltip
            labelFormatter={(t) => dateTime(new Date(Number(t)).toISOString())}
            formatter={(value) => [typeof value === 'number' ? percent(value) : '—', title]}
            contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)', borderRadius: 6 }}
          />
          <Line type="monotone" dataKey={metric} connectNulls={false} dot={false} isAnimationActive={false} className="metric-chart__line" />
        </LineChart>
      </ResponsiveContainer>
      <p className="metric-chart__meta">
        <span data-testid={`metrics-chart-${metric}-count`}>
          {measured.length} {range === '1h' ? 'sample' : 'point'}
          {measured.length === 1 ? '' : 's'}
        </span>
        {newestIso && (
          <>
            {' · newest '}
            <time dateTime={newestIso} title={dateTime(newestIso)} data-testid={`metrics-chart-${metric}-newest`}>
              {clock.format(newest?.t)}
            </time>
          </>
        )}
      </p>
    </figure>
  );
}
