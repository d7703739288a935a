import { ErrorState } from '../../../components/error-state';
import { Skeleton } from '../../../components/skeleton';
import { StatusBadge } from '../../../components/status-badge';
import { dateTime, timeAgo, waitDuration } from '../../../lib/format';
import { useSystemStatus } from '../queries';

/** The jobs workers schedule themselves (reapers, checks, pruning): one that stopped running shows as overdue. */
export function RepeatingJobsTable() {
  const status = useSystemStatus();
  if (status.isPending) return <Skeleton lines={3} />;
  if (status.isError) return <ErrorState error={status.error} />;

  return (
    <div className="table-scroll">
      <table className="table">
        <thead>
          <tr>
            <th>Job</th>
            <th>Every</th>
            <th>Last run</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {status.data.repeatingJobs.map((job) => (
            <tr key={job.name}>
              <td className="mono">{job.name}</td>
              <td>{waitDuration(job.everyMs / 1000)}</td>
              <td title={job.lastRunAt ? dateTime(job.lastRunAt) : undefined}>{job.lastRunAt ? timeAgo(job.lastRunAt) : 'Never'}</td>
              <td>
                {job.overdue ? (
                  <StatusBadge tone="down">Overdue</StatusBadge>
                ) : job.lastRunAt ? (
                  <StatusBadge tone="ok">On time</StatusBadge>
                ) : (
                  <StatusBadge tone="neutral">Not run yet</StatusBadge>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
