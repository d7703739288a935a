import type { ServerMetricSampleDto } from '@zpanel/contracts';
import { bytes } from '../../../shared/servers/labels';
import { percent } from '../labels';
import { DataTable } from '../../../components/data-table';
import { TimeAgo } from '../../../components/time-ago';

const load = (value: number | null) => (value === null ? '—' : value.toFixed(2));

/** Load averages and per-container usage of the newest raw sample. */
export function LatestSample({ sample }: { sample: ServerMetricSampleDto }) {
  const when = <TimeAgo iso={sample.ts} />;
  if (!sample.reachable) {
    return (
      <section className="latest-sample" aria-label="Newest sample" data-testid="latest-sample">
        <p className="latest-sample__unreachable">The server could not be reached at the newest check ({when}).</p>
      </section>
    );
  }
  const containers = [...sample.containers].sort((a, b) => b.cpuPercent - a.cpuPercent);
  return (
    <section className="latest-sample" aria-label="Newest sample" data-testid="latest-sample">
      <dl className="latest-sample__load" data-testid="load-averages">
        <dt>Load 1 min</dt>
        <dd>{load(sample.load1)}</dd>
        <dt>5 min</dt>
        <dd>{load(sample.load5)}</dd>
        <dt>15 min</dt>
        <dd>{load(sample.load15)}</dd>
        <dt>Sampled</dt>
        <dd>{when}</dd>
      </dl>
      {containers.length === 0 ? (
        <p className="latest-sample__none">No running containers at the newest check.</p>
      ) : (
        <DataTable label="Containers at the newest check" testId="container-usage" columns={['Container', 'CPU', 'Memory']} items={containers}>
          {(container) => (
            <tr key={container.id}>
              <td>{container.name}</td>
              <td>{percent(container.cpuPercent)}</td>
              <td>
                {bytes(container.memoryBytes)}
                {container.memoryLimitBytes !== null && <span className="servers__muted"> of {bytes(container.memoryLimitBytes)}</span>}
              </td>
            </tr>
          )}
        </DataTable>
      )}
    </section>
  );
}
