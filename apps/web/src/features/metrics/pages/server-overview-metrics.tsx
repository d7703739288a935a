import { ServerMetrics } from '../components/server-metrics';
import { useServerOutlet } from '../../../shared/servers/server-outlet';

/** The metrics panel of the server overview tab, for the server the route has loaded. */
export function ServerOverviewMetrics() {
  const { server, teamId, live } = useServerOutlet();
  return <ServerMetrics teamId={teamId} server={server} live={live} />;
}
