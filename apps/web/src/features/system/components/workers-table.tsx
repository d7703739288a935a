import { DataTable } from '../../../components/data-table';
import { QueryView } from '../../../components/query-view';
import { dateTime, timeAgo } from '../../../lib/format';
import { useSystemStatus } from '../queries';
import { WorkersEmpty } from './workers-empty';

const COLUMNS = ['ID', 'Hostname', 'PID', 'Version', 'Started', 'Last seen', 'Queues'];

export function WorkersTable() {
  return (
    <QueryView query={useSystemStatus()} lines={3}>
      {({ workers }) =>
        workers.length === 0 ? (
          <WorkersEmpty />
        ) : (
          <DataTable columns={COLUMNS} items={workers}>
            {(worker) => (
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
            )}
          </DataTable>
        )
      }
    </QueryView>
  );
}
