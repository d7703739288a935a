import type { UseQueryResult } from '@tanstack/react-query';
import { Dialog } from './dialog';
import { ErrorState } from './error-state';
import { DoneActions } from './form-actions';
import { Skeleton } from './skeleton';

interface ChoicesDialogProps {
  /** The title the form's dialog has once there is something to choose. */
  title: string;
  /** The list the form chooses from. */
  query: UseQueryResult<{ items: readonly unknown[] }>;
  /** Of the skeleton while the list loads. */
  lines?: number;
  wide?: boolean;
  onClose: () => void;
  /** Why there is nothing to choose, and where to get something: shown once the list came back empty. */
  children: React.ReactNode;
}

/**
 * Stands in for a dialog whose form chooses from a list (a server, a database) until it can be
 * shown: the list loading, why it failed, or that it is empty; Done closes it.
 */
export function ChoicesDialog({ title, query, lines, wide, onClose, children }: ChoicesDialogProps) {
  return (
    <Dialog title={title} onClose={onClose} wide={wide}>
      {query.isPending && <Skeleton lines={lines} />}
      {query.isError && <ErrorState error={query.error} />}
      {query.isSuccess && children}
      <DoneActions onDone={onClose} tone="secondary" />
    </Dialog>
  );
}
