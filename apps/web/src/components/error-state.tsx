import { ApiError, NetworkError } from '../lib/api-client';

interface ErrorStateProps {
  error: unknown;
}

/** How any failed request is shown: what happened, and the trace id to find it in the API log. */
export function ErrorState({ error }: ErrorStateProps) {
  const { title, detail, traceId } = describeError(error);
  return (
    <div className="error-state" role="alert">
      <p className="error-state__title">{title}</p>
      {detail && <p className="error-state__detail">{detail}</p>}
      {traceId && (
        <p className="error-state__trace">
          Trace ID <code>{traceId}</code>
        </p>
      )}
    </div>
  );
}

function describeError(error: unknown): { title: string; detail?: string; traceId?: string } {
  if (error instanceof NetworkError) {
    return { title: error.message, detail: 'Check that the API is running and this page is served by it.' };
  }
  if (error instanceof ApiError) {
    return { title: error.title, detail: error.detail, traceId: error.traceId };
  }
  return { title: 'Something went wrong', detail: error instanceof Error ? error.message : String(error) };
}
