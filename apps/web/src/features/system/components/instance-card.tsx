import { ErrorState } from '../../../components/error-state';
import { Skeleton } from '../../../components/skeleton';
import { dateTime, timeAgo } from '../../../lib/format';
import { useSystemStatus } from '../queries';

export function InstanceCard() {
  const status = useSystemStatus();

  return (
    <article className="card" data-testid="instance-card">
      <h2 className="card__title">Instance</h2>
      {status.isPending && <Skeleton lines={3} />}
      {status.isError && <ErrorState error={status.error} />}
      {status.isSuccess && (
        <dl className="facts">
          <dt>Version</dt>
          <dd className="mono">{status.data.version}</dd>
          <dt>Instance ID</dt>
          <dd className="mono" title={status.data.instanceId}>
            {status.data.instanceId}
          </dd>
          <dt>API started</dt>
          <dd title={dateTime(status.data.apiStartedAt)}>{timeAgo(status.data.apiStartedAt)}</dd>
        </dl>
      )}
    </article>
  );
}
