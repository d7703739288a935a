import { ErrorState } from './error-state';

interface RetryErrorProps {
  /** The failed query: its error, and how to ask again. */
  query: { error: unknown; isFetching: boolean; refetch: () => Promise<unknown> };
}

/** A failed request the user can try again, as the sign-in pages show one. */
export function RetryError({ query }: RetryErrorProps) {
  return (
    <div className="form">
      <ErrorState error={query.error} />
      <button type="button" className="button button--block" onClick={() => void query.refetch()} disabled={query.isFetching}>
        {query.isFetching ? 'Trying…' : 'Try again'}
      </button>
    </div>
  );
}
