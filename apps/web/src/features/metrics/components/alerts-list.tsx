import type { AlertState } from '@zpanel/contracts';
import { useState } from 'react';
import { SelectField } from '../../../components/select-field';
import { ErrorState } from '../../../components/error-state';
import { Pagination, usePageParam } from '../../../components/pagination';
import { Skeleton } from '../../../components/skeleton';
import { StatusBadge } from '../../../components/status-badge';
import { dateTime, timeAgo } from '../../../lib/format';
import { ALERTS_PER_PAGE, useServerAlerts } from '../../../shared/metrics/queries';
import '../metrics.css';

const FILTERS: { value: AlertState | ''; label: string }[] = [
  { value: '', label: 'Open and resolved' },
  { value: 'open', label: 'Open' },
  { value: 'resolved', label: 'Resolved' },
];

function When({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={dateTime(iso)}>
      {timeAgo(iso)}
    </time>
  );
}

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
      {alerts.isPending && <Skeleton lines={3} />}
      {alerts.isError && <ErrorState error={alerts.error} />}
      {alerts.isSuccess && alerts.data.total === 0 && (
        <div className="empty-state" data-testid="alerts-empty">
          {state === 'open' ? 'No open alerts.' : state === 'resolved' ? 'No resolved alerts.' : 'No alerts yet. They open when a rule below holds.'}
        </div>
      )}
      {alerts.isSuccess && alerts.data.total > 0 && (
        <>
          <div className="table-scroll">
            <table className="table" aria-label="Alerts" data-testid="alerts-table">
              <thead>
                <tr>
                  <th scope="col">State</th>
                  <th scope="col">Alert</th>
                  <th scope="col">Opened</th>
                  <th scope="col">Resolved</th>
                </tr>
              </thead>
              <tbody>
                {alerts.data.items.map((alert) => (
                  <tr key={alert.id} data-testid={`alert-${alert.id}`}>
                    <td>{alert.state === 'open' ? <StatusBadge tone="down">Open</StatusBadge> : <StatusBadge tone="ok">Resolved</StatusBadge>}</td>
                    <td>{alert.message}</td>
                    <td>
                      <When iso={alert.openedAt} />
                    </td>
                    <td>{alert.resolvedAt ? <When iso={alert.resolvedAt} /> : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination
            page={page}
            perPage={alerts.data.perPage || ALERTS_PER_PAGE}
            total={alerts.data.total}
            onPageChange={setPage}
            label="Alert pages"
          />
        </>
      )}
    </section>
  );
}
