import { DataTable } from '../../../components/data-table';
import { QueryView } from '../../../components/query-view';
import { StatusBadge } from '../../../components/status-badge';
import { milliseconds } from '../../../lib/format';
import { useReadiness } from '../queries';
import { COMPONENT_LABELS, COMPONENT_NAMES } from './labels';

const COLUMNS = ['Component', 'Status', 'Latency', 'Error'];

export function ReadinessTable() {
  return (
    <QueryView query={useReadiness()} lines={3}>
      {({ checks }) => (
        <DataTable columns={COLUMNS} items={COMPONENT_NAMES}>
          {(name) => (
            <tr key={name}>
              <td>{COMPONENT_LABELS[name]}</td>
              <td>
                <StatusBadge tone={checks[name].status === 'up' ? 'ok' : 'down'}>{checks[name].status === 'up' ? 'Up' : 'Down'}</StatusBadge>
              </td>
              <td className="num">{milliseconds(checks[name].latencyMs)}</td>
              <td className="muted">{checks[name].error ?? '—'}</td>
            </tr>
          )}
        </DataTable>
      )}
    </QueryView>
  );
}
