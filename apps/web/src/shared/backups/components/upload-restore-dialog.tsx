import { BACKUP_LIMITS } from '@zpanel/contracts';
import { useState } from 'react';
import { ChoicesDialog } from '../../../components/choices-dialog';
import { FormDialog } from '../../../components/form-dialog';
import { fieldErrors } from '../../../lib/api-client';
import { Field } from '../../../components/field';
import { bytes } from '../../servers/labels';
import type { BackupSource } from '../api';
import { useUploadRestore } from '../mutations';
import { useDestinations } from '../queries';
import { DestinationSelectField, NoDestinations } from './destination-select-field';
import { RestoreTargetFields, useRestoreTarget } from './restore-target-fields';

interface UploadRestoreDialogProps {
  teamId: string;
  source: Extract<BackupSource, { kind: 'database' }>;
  onStarted: (restoreId: string) => void;
  onClose: () => void;
}

/**
 * Restores a dump file from the user's machine over the database (after a safety backup, once its
 * name is typed) or into a new database, as restoring a backup does: streamed to the API (size-capped
 * and checked there) and kept in the chosen destination as a backup, with the safety backup if any.
 */
export function UploadRestoreDialog({ teamId, source, onStarted, onClose }: UploadRestoreDialogProps) {
  const destinations = useDestinations(teamId);
  const upload = useUploadRestore(teamId, source);
  const [file, setFile] = useState<File | undefined>();
  const [destinationId, setDestinationId] = useState('');
  const choice = useRestoreTarget({ name: source.name, canCreateNew: true });
  const [progress, setProgress] = useState<{ sent: number; total: number } | undefined>();
  const errors = fieldErrors(upload.error);
  const tooLarge = file !== undefined && file.size > BACKUP_LIMITS.uploadBytes;

  if (!destinations.isSuccess || destinations.data.items.length === 0) {
    return (
      <ChoicesDialog title="Restore from a file" query={destinations} onClose={onClose}>
        <NoDestinations />
      </ChoicesDialog>
    );
  }

  const submit = () => {
    if (!file) return;
    setProgress({ sent: 0, total: file.size });
    upload.mutate(
      { databaseId: source.id, destinationId, ...choice.request, file, onProgress: (sent, total) => setProgress({ sent, total }) },
      {
        onSuccess: (restore) => {
          onStarted(restore.id);
          onClose();
        },
      },
    );
  };

  return (
    <FormDialog
      title="Restore from a file"
      description={`A dump from your machine (pg_dump -Fc, mysqldump SQL, or a Redis RDB) of ${source.name}’s engine, kept as a backup in the destination, then restored.`}
      formLabel="Restore from a file"
      submission={upload}
      fields={['body', 'destinationId', 'target', 'confirmName', 'newDatabaseName', 'name']}
      submitLabel="Upload and restore"
      pendingLabel="Uploading…"
      tone={choice.target === 'same' ? 'danger' : undefined}
      disabled={!file || tooLarge || destinationId === '' || !choice.ready}
      onSubmit={submit}
      onClose={onClose}
    >
      <Field
        label="Dump file"
        // The API names the uploaded file `body` (not a dump of the engine, truncated, too large).
        error={tooLarge ? `At most ${bytes(BACKUP_LIMITS.uploadBytes)}.` : errors.body}
        hint={file ? `${file.name}, ${bytes(file.size)}` : `At most ${bytes(BACKUP_LIMITS.uploadBytes)}.`}
      >
        {(control) => <input {...control} type="file" className="input" onChange={(event) => setFile(event.target.files?.[0])} />}
      </Field>
      <DestinationSelectField
        destinations={destinations.data.items}
        value={destinationId}
        onChange={(event) => setDestinationId(event.target.value)}
        error={errors.destinationId}
        hint={
          choice.target === 'same'
            ? 'Where the file is kept (encrypted), and the safety backup of the database before it is replaced.'
            : 'Where the file is kept (encrypted), as a backup.'
        }
      />
      <RestoreTargetFields sourceName={source.name} canCreateNew state={choice} errors={errors} />
      {upload.isPending && progress && (
        <div className="field">
          <progress className="backups__progress" max={progress.total || 1} value={progress.sent} aria-label="Upload progress" />
          <p className="field__hint" data-testid="upload-progress">
            {bytes(progress.sent)} of {bytes(progress.total)} sent
          </p>
        </div>
      )}
    </FormDialog>
  );
}
