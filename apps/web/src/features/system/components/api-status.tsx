import { ApiError, NetworkError } from '../../../lib/api-client';
import { useSocketConnection } from '../../../lib/use-socket-event';
import type { Tone } from '../../../components/status-badge';
import { useReadiness } from '../queries';

/** Top-bar summary of `/api/ready`, plus whether live updates are flowing. */
export function ApiStatus() {
  const readiness = useReadiness();
  const connection = useSocketConnection();

  let tone: Tone;
  let label: string;
  // An error wins over older data: the last answer is no longer the truth.
  if (readiness.isError) {
    tone = 'down';
    label = readiness.error instanceof NetworkError ? 'API unreachable' : `API error: ${errorStatus(readiness.error)}`;
  } else if (!readiness.data) {
    tone = 'neutral';
    label = 'Checking API…';
  } else if (readiness.data.status === 'ready') {
    tone = 'ok';
    label = 'API ready';
  } else {
    tone = 'warn';
    label = `API degraded: ${readiness.data.failing.join(', ')}`;
  }

  return (
    <div className="api-status">
      <span className={`status-pill status-pill--${tone}`}>
        <span className="dot" aria-hidden="true" />
        <span data-testid="api-status">{label}</span>
      </span>
      <span
        className={`live-dot live-dot--${connection}`}
        data-testid="socket-status"
        title={`Live updates: ${connection}`}
        aria-label={`Live updates: ${connection}`}
        role="img"
      />
    </div>
  );
}

function errorStatus(error: Error): string {
  return error instanceof ApiError ? String(error.status) : error.message;
}
