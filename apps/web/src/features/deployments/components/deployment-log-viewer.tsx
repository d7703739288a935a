import { type DeploymentDto, isDeploymentFinished } from '@zpanel/contracts';
import { useState } from 'react';
import { ErrorState } from '../../../components/error-state';
import { DownloadIcon } from '../../../components/icons';
import { fetchDeploymentLog } from '../../../shared/deployments/api';
import { DEPLOYMENT_STEP_LABELS } from '../../../shared/deployments/labels';
import { useApplyDeploymentStatus } from '../../../shared/deployments/live-status';
import { useDeploymentLog } from '../../../shared/deployments/use-deployment-log';
import { AnsiText } from './ansi-text';
import { DeploymentStatusBadge } from '../../../shared/deployments/components/deployment-status';
import { VirtualLogList } from './virtual-log-list';
import '../deployments.css';

/** Height of one log row in px; deployments.css gives `.log-line` the same. */
export const LOG_ROW_HEIGHT = 18;

const lineCount = new Intl.NumberFormat('en');

interface DeploymentLogViewerProps {
  teamId: string;
  deployment: DeploymentDto;
}

/**
 * A deployment's log, streamed: the stored lines, then new ones as the worker writes them, with
 * the status and step as they change. Follows the end until paused (or scrolled up); resumes
 * after a dropped connection from the last line it has. Mount with `key={deployment.id}`.
 */
export function DeploymentLogViewer({ teamId, deployment }: DeploymentLogViewerProps) {
  const apply = useApplyDeploymentStatus(teamId);
  const log = useDeploymentLog(deployment.id, (event) => apply(deployment, event));
  const [following, setFollowing] = useState(true);
  const [download, setDownload] = useState<{ pending: boolean; error?: unknown }>({ pending: false });

  const status = log.status?.status ?? deployment.status;
  const step = log.status?.step ?? deployment.step;
  const reason = log.status ? log.status.reason : deployment.reason;
  const finished = isDeploymentFinished(status);
  const { lines } = log;

  const renderRow = (index: number) => {
    const line = lines[index];
    return (
      <div key={line.seq} className={`log-line log-line--${line.stream}`} data-seq={line.seq}>
        <span className="log-line__seq" aria-hidden="true">
          {line.seq}
        </span>
        <span className="log-line__text">
          <AnsiText line={line.line} />
        </span>
      </div>
    );
  };

  const saveLog = async () => {
    setDownload({ pending: true });
    try {
      const blob = await fetchDeploymentLog(deployment.id);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `deployment-${deployment.id}.log`;
      link.click();
      // Revoked after the click has started the download.
      setTimeout(() => URL.revokeObjectURL(url), 0);
      setDownload({ pending: false });
    } catch (error) {
      setDownload({ pending: false, error });
    }
  };

  const connection =
    log.live.status === 'error'
      ? `Live log unavailable: ${log.live.message}`
      : log.live.status === 'live'
        ? finished
          ? 'Complete'
          : 'Streaming'
        : 'Connecting…';

  return (
    <section className="panel deployment-log" aria-label="Deployment log" data-testid="deployment-log">
      <header className="toolbar toolbar--ruled">
        <div className="deployment-log__state">
          <DeploymentStatusBadge status={status} testId="deployment-log-status" />
          <span className="deployment-log__step" data-testid="deployment-log-step">
            {DEPLOYMENT_STEP_LABELS[step]}
          </span>
        </div>
        <div className="deployment-log__controls">
          <span className="deployment-log__count" data-testid="deployment-log-count">
            {lineCount.format(lines.length)} {lines.length === 1 ? 'line' : 'lines'}
          </span>
          <button
            type="button"
            className="button button--secondary button--small"
            aria-pressed={!following}
            onClick={() => setFollowing((was) => !was)}
          >
            {following ? 'Pause' : 'Follow'}
          </button>
          <button type="button" className="button button--secondary button--small" disabled={download.pending} onClick={() => void saveLog()}>
            <DownloadIcon />
            {download.pending ? 'Downloading…' : 'Download'}
          </button>
        </div>
      </header>
      {reason && (
        <p
          className={status === 'failed' ? 'deployment-log__reason deployment-log__reason--failed' : 'deployment-log__reason'}
          data-testid="deployment-log-reason"
        >
          {reason}
        </p>
      )}
      {download.error !== undefined && <ErrorState error={download.error} />}
      <p
        className={log.live.status === 'error' ? 'deployment-log__connection deployment-log__connection--error' : 'deployment-log__connection'}
        role="status"
      >
        {connection}
        {!following && <span> · Paused: new lines are added below without scrolling.</span>}
      </p>
      <VirtualLogList
        count={lines.length}
        rowHeight={LOG_ROW_HEIGHT}
        renderRow={renderRow}
        following={following}
        onScrolled={(atEnd) => setFollowing(atEnd)}
        label="Log lines"
        testId="deployment-log-lines"
        empty={
          <p className="deployment-log__empty">
            {finished ? 'No output.' : status === 'queued' ? 'Waiting for a worker to start it…' : 'No output yet.'}
          </p>
        }
      />
    </section>
  );
}
