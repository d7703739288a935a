import type { AlertState } from '@zpanel/contracts';
import { useState } from 'react';
import { SelectField } from '../../../components/select-field';
import { PagedTable, type TableShape } from '../../../components/data-table';
import { usePageParam } from '../../../components/pagination';
import { StatusBadge } from '../../../components/status-badge';
import { TimeAgo } from '../../../components/time-ago';
import { ALERTS_PER_PAGE, useServerAlerts } from '../../../shared/metrics/queries';
import '../metrics.css';

const FILTERS: { value: AlertState | ''; label: string }[] = [
  { value: '', label: 'Open and resolved' },
  { value: 'open', label: 'Open' },
  { value: 'resolved', label: 'Resolved' },
];

const TABLE: TableShape = { label: 'Alerts', testId: 'alerts-table', columns: ['State', 'Alert', 'Opened', 'Resolved'] };

/** The server's alerts, newest first; live events refresh the cached pages (see live-cache.ts). */
export function AlertsList({ teamId, serverId }: { teamId: string; serverId: string }) {
  const [state, setState] = useState<AlertState | ''>('');
  const [page, setPage] = usePageParam();
  const alerts = useServerAlerts(teamId, serverId, state || undefined, page);

  return (
    <section className="panel alerts" aria-label="Alerts">
      <header className="alerts__head">
        <h2 className="servers__heading">Alerts</h2>
        <SelectField
          label="Show"
          className="alerts__filter"
          value={state}
          onChange={(event) => {
            setState(event.target.value as AlertState | '');
            setPage(1);
          }}
        >
          {FILTERS.map(({ value, label }) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </SelectField>
      </header>
      <PagedTable
        query={alerts}
        table={TABLE}
        paging={{ page, onPageChange: setPage, perPage: ALERTS_PER_PAGE, label: 'Alert pages' }}
        empty={
          <div className="empty-state" data-testid="alerts-empty">
            {state === 'open'
              ? 'No open alerts.'
              : state === 'resolved'
                ? 'No resolved alerts.'
                : 'No alerts yet. They open when a rule below holds.'}
          </div>
        }
      >
        {(alert) => (
          <tr key={alert.id} data-testid={`alert-${alert.id}`}>
            <td>{alert.state === 'open' ? <StatusBadge tone="down">Open</StatusBadge> : <StatusBadge tone="ok">Resolved</StatusBadge>}</td>
            <td>{alert.message}</td>
            <td>
              <TimeAgo iso={alert.openedAt} />
            </td>
            <td>{alert.resolvedAt ? <TimeAgo iso={alert.resolvedAt} /> : '—'}</td>
          </tr>
        )}
      </PagedTable>
    </section>
  );
}
