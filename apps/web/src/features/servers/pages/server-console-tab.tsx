import { useServerOutlet } from '../server-outlet';

export function ServerConsoleTab() {
  const { server } = useServerOutlet();
  return <section className="panel" aria-label={`Console of ${server.name}`} />;
}
