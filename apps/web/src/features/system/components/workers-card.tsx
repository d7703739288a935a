import { Link } from 'react-router';
import { ErrorState } from '../../../components/error-state';
import { Skeleton } from '../../../components/skeleton';
import { StatusBadge } from '../../../components/status-badge';
import { timeAgo } from '../../../lib/format';
import { useSystemStatus } from '../queries';
import { WorkersEmpty } from './workers-empty';

export function WorkersCard() {
  const status = useSystemStatus();
  const workers = status.data?.workers ?? [];

  return (
    <article className="card card--wide" data-testid="workers-card">
      <header className="card__header">
        <h2 className="card__title">Workers</h2>
        {status.isSuccess && <StatusBadge tone={workers.length > 0 ? 'ok' : 'down'}>{workers.length} online</StatusBadge>}
      </header>
      {status.isPending && <Skeleton />}
      {status.isError && <ErrorState error={status.error} />}
      {status.isSuccess && workers.length === 0 && <WorkersEmpty />}
      {workers.length > 0 && (
        <ul className="list">
          {workers.map((worker) => (
            <li key={worker.id} className="list__row">
              <span className="mono">{worker.hostname}</span>
              <span className="muted">v{worker.version}</span>
              <span className="muted list__end">seen {timeAgo(worker.lastSeenAt)}</span>
            </li>
          ))}
        </ul>
      )}
      <Link className="card__link" to="/system">
        System details →
      </Link>
    </article>
  );
}
