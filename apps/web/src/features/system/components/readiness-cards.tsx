import type { ComponentCheck, ComponentName } from '@zpanel/contracts';
import { ErrorState } from '../../../components/error-state';
import { Skeleton } from '../../../components/skeleton';
import { StatusBadge } from '../../../components/status-badge';
import { milliseconds } from '../../../lib/format';
import { useReadiness } from '../queries';
import { COMPONENT_LABELS, COMPONENT_NAMES } from './labels';

/** One card per dependency the API needs to be ready. */
export function ReadinessCards() {
  const readiness = useReadiness();

  if (readiness.isPending || readiness.isError) {
    return (
      <article className="card card--span-2">
        <h2 className="card__title">Dependencies</h2>
        {readiness.isPending ? <Skeleton /> : <ErrorState error={readiness.error} />}
      </article>
    );
  }
  return COMPONENT_NAMES.map((name) => <ComponentCheckCard key={name} name={name} check={readiness.data.checks[name]} />);
}

function ComponentCheckCard({ name, check }: { name: ComponentName; check: ComponentCheck }) {
  const up = check.status === 'up';
  return (
    <article className="card" data-testid={`check-${name}`}>
      <header className="card__header">
        <h2 className="card__title">{COMPONENT_LABELS[name]}</h2>
        <StatusBadge tone={up ? 'ok' : 'down'}>{up ? 'Up' : 'Down'}</StatusBadge>
      </header>
      <p className="stat">{milliseconds(check.latencyMs)}</p>
      <p className={up ? 'card__hint' : 'card__hint card__hint--error'}>{up ? 'Check latency' : (check.error ?? 'Not answering')}</p>
    </article>
  );
}
