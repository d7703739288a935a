import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { dateTime, timeAgo } from '../../../lib/format';
import { ServerStatus } from '../components/server-status';
import { bytes } from '../../../shared/servers/labels';
import { useServerOutlet } from '../../../shared/servers/server-outlet';
import { TimeAgo } from '../../../components/time-ago';

/**
 * The server's facts from its last validation; live metrics sit below them. The router passes the
 * metrics panel in, so the servers feature does not import the metrics feature.
 */
export function ServerOverviewTab({ children }: { children?: ReactNode }) {
  const { server } = useServerOutlet();
  return (
    <>
      <section className="panel" aria-label="Server details">
        <dl className="servers__facts" data-testid="server-facts">
          <dt>Status</dt>
          <dd>
            <ServerStatus server={server} showReason />
          </dd>
          <dt>Address</dt>
          <dd>
            <code>
              {server.host}:{server.port}
            </code>
          </dd>
          <dt>User</dt>
          <dd>{server.user}</dd>
          <dt>Host key</dt>
          <dd data-testid="host-key-fingerprint">
            {server.hostKeyFingerprint ? <code>{server.hostKeyFingerprint}</code> : 'Not recorded yet (recorded at the first connection)'}
          </dd>
          <dt>OS</dt>
          <dd>{server.os ?? '—'}</dd>
          <dt>Docker</dt>
          <dd data-testid="docker-version">{server.dockerVersion ?? '—'}</dd>
          <dt>Free disk</dt>
          <dd>{server.diskFreeBytes === null ? '—' : bytes(server.diskFreeBytes)}</dd>
          <dt>Last validated</dt>
          <dd>{server.lastValidatedAt ? <time title={dateTime(server.lastValidatedAt)}>{timeAgo(server.lastValidatedAt)}</time> : 'Never'}</dd>
          <dt>Checked every</dt>
          <dd data-testid="check-interval">{server.checkIntervalSeconds} s</dd>
          <dt>Last checked</dt>
          <dd data-testid="last-checked">{server.lastCheckedAt ? <TimeAgo iso={server.lastCheckedAt} /> : 'Not yet'}</dd>
        </dl>
        <p>
          <Link to="/servers">Back to servers</Link>
        </p>
      </section>
      {children}
    </>
  );
}
