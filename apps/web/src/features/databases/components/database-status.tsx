import type { DatabaseDto } from '@zpanel/contracts';
import { StatusBadge } from '../../../components/status-badge';
import { DATABASE_STATUS_LABELS, DATABASE_STATUS_TONES } from '../../../shared/databases/labels';

/** The status badge, with why it is unhealthy or failed as its tooltip and, with `showReason`, beside it. */
export function DatabaseStatus({ database, showReason = false }: { database: Pick<DatabaseDto, 'status' | 'statusReason'>; showReason?: boolean }) {
  return (
    <span className="databases__status" title={database.statusReason ?? undefined} data-testid="database-status" data-status={database.status}>
      <StatusBadge tone={DATABASE_STATUS_TONES[database.status]}>{DATABASE_STATUS_LABELS[database.status]}</StatusBadge>
      {showReason && database.statusReason && (
        <span className="databases__reason" data-testid="database-status-reason">
          {database.statusReason}
        </span>
      )}
    </span>
  );
}
