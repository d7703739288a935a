import { ServerContainers } from '../components/server-containers';
import { useServerOutlet } from '../../../shared/servers/server-outlet';

export function ServerContainersTab() {
  const { server, teamId, role } = useServerOutlet();
  return <ServerContainers teamId={teamId} serverId={server.id} role={role} />;
}
