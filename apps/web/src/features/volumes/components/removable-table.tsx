import type { UseQueryResult } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, type ButtonTone } from '../../../components/button';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { DataTable, type TableShape } from '../../../components/data-table';
import type { Submission } from '../../../components/form-actions';
import { QueryView } from '../../../components/query-view';

const ACTIONS = { title: 'Actions', hidden: true };

/** What the confirmation says before one item goes. */
export interface RemovalText {
  title: string;
  description: string;
  confirmLabel: string;
}

interface RemovableTableProps<T> {
  query: UseQueryResult<T[]>;
  /** Without the last column, the Remove buttons': added here. */
  table: TableShape;
  /** Shown instead of the table when there is nothing. */
  empty: { text: string; testId: string };
  rowKey: (item: T) => string;
  /** The row's cells before the Remove button. */
  cells: (item: T) => React.ReactNode;
  /** Why the caller may not remove: the buttons are then disabled and say why. */
  refusal?: string;
  removeTone?: ButtonTone;
  confirmation: (item: T) => RemovalText;
  removal: Submission;
  /** Starts the removal; `done` closes the confirmation once it succeeded. */
  onRemove: (item: T, done: () => void) => void;
}

/** A list from the API as a table whose rows each have a Remove button, confirmed in a dialog. */
export function RemovableTable<T>({
  query,
  table,
  empty,
  rowKey,
  cells,
  refusal,
  removeTone = 'secondary',
  confirmation,
  removal,
  onRemove,
}: RemovableTableProps<T>) {
  const [removing, setRemoving] = useState<T | null>(null);
  const close = () => setRemoving(null);
  return (
    <>
      <QueryView query={query}>
        {(items) =>
          items.length === 0 ? (
            <p className="muted" data-testid={empty.testId}>
              {empty.text}
            </p>
          ) : (
            <DataTable {...table} columns={[...table.columns, ACTIONS]} items={items}>
              {(item) => (
                <tr key={rowKey(item)}>
                  {cells(item)}
                  <td>
                    <Button tone={removeTone} small refusal={refusal} onClick={() => setRemoving(item)}>
                      Remove
                    </Button>
                  </td>
                </tr>
              )}
            </DataTable>
          )
        }
      </QueryView>
      {removing !== null && (
        <ConfirmDialog
          {...confirmation(removing)}
          pendingLabel="Removing…"
          submission={removal}
          onConfirm={() => onRemove(removing, close)}
          onClose={close}
        />
      )}
    </>
  );
}
