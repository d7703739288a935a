import type { UseQueryResult } from '@tanstack/react-query';
import { ErrorState } from './error-state';
import { Skeleton } from './skeleton';

interface QueryViewProps<T> {
  query: UseQueryResult<T>;
  /** Of the skeleton shown while it loads. */
  lines?: number;
  children: (data: T) => React.ReactNode;
}

/** A skeleton while the query loads, its error if it failed, else what its data renders to. */
export function QueryView<T>({ query, lines, children }: QueryViewProps<T>) {
  if (query.isPending) return <Skeleton lines={lines} />;
  if (query.isError) return <ErrorState error={query.error} />;
  return children(query.data);
}
