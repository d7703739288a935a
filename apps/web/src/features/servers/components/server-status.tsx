import type { ServerDto } from '@zpanel/contracts';
import { StatusBadge } from '../../../components/status-badge';
import { STATUS_LABELS, STATUS_TONES } from '../../../shared/servers/labels';

/** The status badge, with the reason of a failure as its tooltip and, with `showReason`, below it. */
export function ServerStatus({ server, showReason = false }: { server: Pick<ServerDto, 'status' | 'statusReason'>; showReason?: boolean }) {
  return (
    <span className="server-status" title={server.statusReason ?? undefined} data-testid="server-status">
      <StatusBadge tone={STATUS_TONES[server.status]}>{STATUS_LABELS[server.status]}</StatusBadge>
      {showReason && server.statusReason && <span className="server-status__reason">{server.statusReason}</span>}
    </span>
  );
}
