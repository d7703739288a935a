import type { BackupDestinationDto } from '@zpanel/contracts';
import { useEffect } from 'react';
import { CopyButton } from '../../../components/copy-button';
import { Dialog } from '../../../components/dialog';
import { ErrorState } from '../../../components/error-state';
import { DoneActions } from '../../../components/form-actions';
import { Skeleton } from '../../../components/skeleton';
import { DECRYPT_DOCS } from '../../../shared/backups/labels';
import { useRevealDestinationKey } from '../mutations';

/** The destination's data key, asked for once the dialog opens (audited), with how to use it without Zpanel. */
export function DestinationKeyDialog({ destination, onClose }: { destination: BackupDestinationDto; onClose: () => void }) {
  const reveal = useRevealDestinationKey();
  const { mutate } = reveal;
  useEffect(() => mutate(destination.id), [mutate, destination.id]);

  return (
    <Dialog
      title={`Key of ${destination.name}`}
      description="Anyone holding it can read this destination’s backups: keep it as safe as the backups."
      onClose={onClose}
    >
      {reveal.isPending && <Skeleton lines={2} />}
      {reveal.isError && <ErrorState error={reveal.error} />}
      {reveal.isSuccess && (
        <div className="form">
          <p className="muted">
            Key ID <code>{reveal.data.keyId}</code>
          </p>
          <code className="backups__secret" data-testid="destination-key">
            {reveal.data.key}
          </code>
          <CopyButton text={reveal.data.key} label="Copy key" />
          <p className="muted">
            With it, a backup downloaded from the destination decrypts without Zpanel: see “Decrypting without Zpanel” in {DECRYPT_DOCS}.
          </p>
        </div>
      )}
      <DoneActions onDone={onClose} />
    </Dialog>
  );
}
