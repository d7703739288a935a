import { useServerOutlet } from '../server-outlet';

export function ServerAlertsTab() {
  const { server } = useServerOutlet();
  return <section className="panel" aria-label={`Alerts of ${server.name}`} />;
}
