import { DataTable } from '../../../components/data-table';
import { QueryView } from '../../../components/query-view';
import { StatusBadge } from '../../../components/status-badge';
import { dateTime, timeAgo, waitDuration } from '../../../lib/format';
import { useSystemStatus } from '../queries';

const COLUMNS = ['Job', 'Every', 'Last run', 'Status'];

/** The jobs workers schedule themselves (reapers, checks, pruning): one that stopped running shows as overdue. */
export function RepeatingJobsTable() {
  return (
    <QueryView query={useSystemStatus()} lines={3}>
      {({ repeatingJobs }) => (
        <DataTable columns={COLUMNS} items={repeatingJobs}>
          {(job) => (
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
          )}
        </DataTable>
      )}
    </QueryView>
  );
}
