import { CommandConsole } from '../components/command-console';
import { useServerOutlet } from '../../../shared/servers/server-outlet';

export function ServerConsoleTab() {
  const { server, teamId, role } = useServerOutlet();
  return <CommandConsole teamId={teamId} serverId={server.id} serverName={server.name} role={role} />;
}
