import { ErrorState } from '../../../components/error-state';
import { StatusBadge } from '../../../components/status-badge';
import { milliseconds } from '../../../lib/format';
import { useWorkerProbe } from '../mutations';

/** Proves a worker consumes the queue, not merely that one has registered. */
export function WorkerProbe() {
  const probe = useWorkerProbe();
  const result = probe.data?.probe;

  return (
    <div className="probe">
      <button type="button" className="button" onClick={() => probe.mutate()} disabled={probe.isPending}>
        {probe.isPending ? 'Checking…' : 'Check worker'}
      </button>
      <div className="probe__result" aria-live="polite">
        {probe.isError && <ErrorState error={probe.error} />}
        {result?.ok && (
          <StatusBadge tone="ok">
            Worker <span className="mono">{result.workerId}</span> answered in {milliseconds(result.roundTripMs)}
          </StatusBadge>
        )}
        {result && !result.ok && (
          <StatusBadge tone="down">
            No answer after {milliseconds(result.roundTripMs)}: {result.error ?? 'unknown error'}
          </StatusBadge>
        )}
        {probe.isSuccess && !result && <span className="muted">The API returned no probe result.</span>}
        {probe.isIdle && <span className="muted">Enqueues a probe job and times its round trip.</span>}
      </div>
    </div>
  );
}
