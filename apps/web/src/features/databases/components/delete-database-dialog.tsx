import type { DatabaseDto } from '@zpanel/contracts';
import { useState } from 'react';
import { bindText } from '../../../components/field';
import { FormDialog } from '../../../components/form-dialog';
import { TextField } from '../../../components/text-field';
import { CheckboxField } from '../../../shared/applications/components/fields';
import { useDeleteDatabase } from '../mutations';

interface DeleteDatabaseDialogProps {
  teamId: string;
  database: DatabaseDto;
  onClose: () => void;
}

/**
 * Deleting a database, confirmed by typing its name. The data volume is kept unless asked
 * otherwise: a database created again from a backup, or by hand, can still find it.
 */
export function DeleteDatabaseDialog({ teamId, database, onClose }: DeleteDatabaseDialogProps) {
  const remove = useDeleteDatabase(teamId, database.id);
  const [typed, setTyped] = useState('');
  const [deleteData, setDeleteData] = useState(false);
  const confirmed = typed === database.name;

  return (
    <FormDialog
      title={`Delete ${database.name}?`}
      description="Its container is removed from the server and applications referencing it fail at their next deployment. Type the database's name to confirm."
      onSubmit={() => {
        if (confirmed) remove.mutate(deleteData, { onSuccess: onClose });
      }}
      onClose={onClose}
      submission={remove}
      submitLabel={deleteData ? 'Delete database and data' : 'Delete database'}
      pendingLabel="Deleting…"
      disabled={!confirmed}
      tone="danger"
    >
      <TextField label="Database name" autoComplete="off" placeholder={database.name} {...bindText(typed, setTyped)} />
      <CheckboxField label="Also delete the data volume" checked={deleteData} onChange={(event) => setDeleteData(event.target.checked)} />
      <p className={deleteData ? 'databases__warning' : 'muted'} data-testid="delete-data-note">
        {deleteData
          ? 'The data volume is deleted too: everything stored in the database is gone for good.'
          : 'The data volume stays on the server (labelled with the database’s id) until you delete it.'}
      </p>
    </FormDialog>
  );
}
