import { ErrorState } from '../../../components/error-state';
import { Skeleton } from '../../../components/skeleton';
import { dateTime, timeAgo } from '../../../lib/format';
import { useSystemStatus } from '../queries';
import { WorkersEmpty } from './workers-empty';

export function WorkersTable() {
  const status = useSystemStatus();
  if (status.isPending) return <Skeleton lines={3} />;
  if (status.isError) return <ErrorState error={status.error} />;
  if (status.data.workers.length === 0) return <WorkersEmpty />;

  return (
    <div className="table-scroll">
      <table className="table">
        <thead>
          <tr>
            <th>ID</th>
            <th>Hostname</th>
            <th>PID</th>
            <th>Version</th>
            <th>Started</th>
            <th>Last seen</th>
            <th>Queues</th>
          </tr>
        </thead>
        <tbody>
          {status.data.workers.map((worker) => (
            <tr key={worker.id}>
              <td className="mono truncate" title={worker.id}>
                {worker.id}
              </td>
              <td className="mono">{worker.hostname}</td>
              <td className="num">{worker.pid}</td>
              <td className="mono">{worker.version}</td>
              <td title={dateTime(worker.startedAt)}>{timeAgo(worker.startedAt)}</td>
              <td title={dateTime(worker.lastSeenAt)}>{timeAgo(worker.lastSeenAt)}</td>
              <td>
                {worker.queues.map((queue) => (
                  <span key={queue} className="tag">
                    {queue}
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
