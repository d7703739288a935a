import type { AlertEventDto, Paginated } from '@zpanel/contracts';
import { Link } from 'react-router';
import { StatusBadge } from '../../components/status-badge';
import './open-alerts.css';

export interface OpenAlertCounts {
  /** Open alerts per server id, from one page of the team's open alerts. */
  byServer: ReadonlyMap<string, number>;
  /** The team has more open alerts than the page held, so a count may be low. */
  truncated: boolean;
}

export function countOpenAlerts(page: Paginated<AlertEventDto>): OpenAlertCounts {
  const byServer = new Map<string, number>();
  for (const alert of page.items) {
    // A missed backup's alert (kind backup_missed) is no server's.
    if (alert.serverId !== null) byServer.set(alert.serverId, (byServer.get(alert.serverId) ?? 0) + 1);
  }
  return { byServer, truncated: page.total > page.items.length };
}

/** A server's open alerts in the servers list, linking to its alerts tab. */
export function OpenAlertsCell({ serverId, counts }: { serverId: string; counts: OpenAlertCounts | undefined }) {
  if (!counts) return <span className="servers__muted">—</span>;
  const count = counts.byServer.get(serverId) ?? 0;
  if (count === 0) return <span className="servers__muted">{counts.truncated ? '—' : 'None'}</span>;
  return (
    <Link to={`/servers/${serverId}/alerts`} className="open-alerts" data-testid="open-alerts">
      <StatusBadge tone="down">
        {count}
        {counts.truncated ? '+' : ''} open
      </StatusBadge>
    </Link>
  );
}
