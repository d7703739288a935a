import type { BackupDto, RestoreTarget } from '@zpanel/contracts';
import { useState } from 'react';
import { FormDialog } from '../../../components/form-dialog';
import { TextField } from '../../../components/text-field';
import { fieldErrors } from '../../../lib/api-client';
import { dateTime } from '../../../lib/format';
import type { BackupSource } from '../api';
import { useCreateRestore } from '../mutations';

interface RestoreDialogProps {
  teamId: string;
  /** A database or a volume (the instance is restored onto a fresh install, README). */
  source: Extract<BackupSource, { name: string }>;
  backup: BackupDto;
  onStarted: (restoreId: string) => void;
  onClose: () => void;
}

/**
 * Restores a backup over its source (after a safety backup, once its name is typed) or, for a
 * database, into a new database of the same engine in the same environment and server.
 */
export function RestoreDialog({ teamId, source, backup, onStarted, onClose }: RestoreDialogProps) {
  const restore = useCreateRestore(teamId, source);
  const canCreateNew = source.kind === 'database';
  const [target, setTarget] = useState<Extract<RestoreTarget, 'same' | 'new'>>(canCreateNew ? 'new' : 'same');
  const [confirmName, setConfirmName] = useState('');
  const [newDatabaseName, setNewDatabaseName] = useState('');
  const errors = fieldErrors(restore.error);
  const typed = confirmName === source.name;

  const submit = () =>
    restore.mutate(
      { backupId: backup.id, body: target === 'same' ? { target, confirmName } : { target, newDatabaseName: newDatabaseName.trim() } },
      {
        onSuccess: (started) => {
          onStarted(started.id);
          onClose();
        },
      },
    );

  return (
    <FormDialog
      title={`Restore the backup of ${dateTime(backup.createdAt)}`}
      description="The backup is checked (size and checksum) and decrypted before anything is written."
      formLabel="Restore"
      submission={restore}
      fields={['target', 'confirmName', 'newDatabaseName', 'name']}
      submitLabel="Restore"
      pendingLabel="Starting…"
      tone={target === 'same' ? 'danger' : undefined}
      disabled={target === 'same' ? !typed : newDatabaseName.trim() === ''}
      onSubmit={submit}
      onClose={onClose}
    >
      {canCreateNew && (
        <fieldset className="backups__choices">
          <legend className="field__label">Restore into</legend>
          <label className="applications__check">
            <input type="radio" name="restore-target" checked={target === 'new'} onChange={() => setTarget('new')} />A new database
          </label>
          <label className="applications__check">
            <input type="radio" name="restore-target" checked={target === 'same'} onChange={() => setTarget('same')} />
            {source.name} itself, replacing what it holds
          </label>
        </fieldset>
      )}
      {target === 'new' ? (
        <TextField
          label="New database name"
          required
          value={newDatabaseName}
          onChange={(event) => setNewDatabaseName(event.target.value)}
          error={errors.newDatabaseName ?? errors.name}
          hint="Created in the same environment and on the same server, with the same engine and version."
        />
      ) : (
        <>
          <p className="databases__warning" role="note">
            Everything {source.name} holds now is replaced. A safety backup of it is taken first, listed in its history.
          </p>
          <TextField
            label={`Type ${source.name} to confirm`}
            autoComplete="off"
            value={confirmName}
            onChange={(event) => setConfirmName(event.target.value)}
            error={errors.confirmName}
          />
        </>
      )}
    </FormDialog>
  );
}
