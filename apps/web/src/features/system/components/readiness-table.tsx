import { ErrorState } from '../../../components/error-state';
import { Skeleton } from '../../../components/skeleton';
import { StatusBadge } from '../../../components/status-badge';
import { milliseconds } from '../../../lib/format';
import { useReadiness } from '../queries';
import { COMPONENT_LABELS, COMPONENT_NAMES } from './labels';

export function ReadinessTable() {
  const readiness = useReadiness();
  if (readiness.isPending) return <Skeleton lines={3} />;
  if (readiness.isError) return <ErrorState error={readiness.error} />;

  const { checks } = readiness.data;
  return (
    <table className="table">
      <thead>
        <tr>
          <th>Component</th>
          <th>Status</th>
          <th>Latency</th>
          <th>Error</th>
        </tr>
      </thead>
      <tbody>
        {COMPONENT_NAMES.map((name) => (
          <tr key={name}>
            <td>{COMPONENT_LABELS[name]}</td>
            <td>
              <StatusBadge tone={checks[name].status === 'up' ? 'ok' : 'down'}>{checks[name].status === 'up' ? 'Up' : 'Down'}</StatusBadge>
            </td>
            <td className="num">{milliseconds(checks[name].latencyMs)}</td>
            <td className="muted">{checks[name].error ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
