import { useDatabaseOutlet } from '../../../shared/databases/database-outlet';
import { ContainerLogs } from '../components/container-logs';
import '../containers.css';

/** The database container's output, followed live; the container is named as the database's internal host. */
export function DatabaseLogsTab() {
  const { database } = useDatabaseOutlet();
  return <ContainerLogs key={database.id} serverId={database.serverId} containerId={database.internalHost} name={database.name} />;
}
