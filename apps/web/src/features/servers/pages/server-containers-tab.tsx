import { ServerContainers } from '../../containers/components/server-containers';
import { useServerOutlet } from '../server-outlet';

export function ServerContainersTab() {
  const { server, teamId, role } = useServerOutlet();
  return <ServerContainers teamId={teamId} serverId={server.id} role={role} />;
}
