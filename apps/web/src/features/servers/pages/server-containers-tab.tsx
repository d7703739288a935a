import { useServerOutlet } from '../server-outlet';

export function ServerContainersTab() {
  const { server } = useServerOutlet();
  return <section className="panel" aria-label={`Containers of ${server.name}`} />;
}
