import type { BackupDto } from '@zpanel/contracts';
import { FormDialog } from '../../../components/form-dialog';
import { fieldErrors } from '../../../lib/api-client';
import { dateTime } from '../../../lib/format';
import type { BackupSource } from '../api';
import { useCreateRestore } from '../mutations';
import { RestoreTargetFields, useRestoreTarget } from './restore-target-fields';

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
  const choice = useRestoreTarget({ name: source.name, canCreateNew });
  const errors = fieldErrors(restore.error);

  const submit = () =>
    restore.mutate(
      { backupId: backup.id, body: choice.request },
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
      tone={choice.target === 'same' ? 'danger' : undefined}
      disabled={!choice.ready}
      onSubmit={submit}
      onClose={onClose}
    >
      <RestoreTargetFields sourceName={source.name} canCreateNew={canCreateNew} state={choice} errors={errors} />
    </FormDialog>
  );
}
