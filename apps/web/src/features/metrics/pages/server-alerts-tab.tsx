import { AlertRules } from '../components/alert-rules';
import { AlertsList } from '../components/alerts-list';
import { whyCannotEditRules } from '../labels';
import { useServerOutlet } from '../../../shared/servers/server-outlet';

/** Open and resolved alerts (kept current by the page's live subscription), then the rules that open them. */
export function ServerAlertsTab() {
  const { server, teamId, role } = useServerOutlet();
  return (
    <div aria-label={`Alerts of ${server.name}`} role="region">
      <AlertsList teamId={teamId} serverId={server.id} />
      <AlertRules teamId={teamId} serverId={server.id} refusal={whyCannotEditRules(role)} />
    </div>
  );
}
