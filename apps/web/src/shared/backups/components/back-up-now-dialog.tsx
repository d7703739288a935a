import { useState } from 'react';
import { ChoicesDialog } from '../../../components/choices-dialog';
import { FormDialog } from '../../../components/form-dialog';
import { fieldErrors } from '../../../lib/api-client';
import { CheckboxField } from '../../applications/components/fields';
import type { BackupSource } from '../api';
import { useBackUpNow } from '../mutations';
import { useDestinations } from '../queries';
import { DestinationSelectField, NoDestinations } from './destination-select-field';

interface BackUpNowDialogProps {
  teamId: string;
  source: BackupSource;
  /** Chosen first: the destination of the source's first schedule, if any. */
  preferredDestinationId?: string;
  onStarted: (backupId: string) => void;
  onClose: () => void;
}

/** Starts a backup now, to a chosen destination, verified afterwards unless asked not to. */
export function BackUpNowDialog({ teamId, source, preferredDestinationId, onStarted, onClose }: BackUpNowDialogProps) {
  const destinations = useDestinations(teamId);
  const start = useBackUpNow(teamId, source);
  const [destinationId, setDestinationId] = useState(preferredDestinationId ?? '');
  const [verify, setVerify] = useState(true);
  const errors = fieldErrors(start.error);

  if (!destinations.isSuccess || destinations.data.items.length === 0) {
    return (
      <ChoicesDialog title="Back up now" query={destinations} onClose={onClose}>
        <NoDestinations />
      </ChoicesDialog>
    );
  }
  return (
    <FormDialog
      title="Back up now"
      description="Dumps, compresses and encrypts it, uploads it and checks the stored object's size and checksum."
      formLabel="Back up now"
      submission={start}
      fields={['destinationId', 'verify']}
      submitLabel="Back up now"
      pendingLabel="Starting…"
      onSubmit={() =>
        start.mutate(
          { destinationId, verify },
          {
            onSuccess: (backup) => {
              onStarted(backup.id);
              onClose();
            },
          },
        )
      }
      onClose={onClose}
    >
      <DestinationSelectField
        destinations={destinations.data.items}
        value={destinationId}
        onChange={(event) => setDestinationId(event.target.value)}
        error={errors.destinationId}
      />
      <CheckboxField
        label="Verify it afterwards by restoring it into a throwaway container"
        checked={verify}
        onChange={(event) => setVerify(event.target.checked)}
      />
    </FormDialog>
  );
}
