import type { ContainerDto } from '@zpanel/contracts';
import { useId, useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import type { Submission } from '../../../components/form-actions';
import { TextField } from '../../../components/text-field';
import { fieldErrors } from '../../../lib/api-client';
import { containerName } from '../labels';
import { bindText } from '../../../components/field';

const DEFAULT_GRACE_SECONDS = 10;
const MAX_GRACE_SECONDS = 600;

/** A change to one container, asked first; `onConfirm` gets what the dialog asked for. */
interface ContainerDialogProps<Choice> {
  container: ContainerDto;
  submission: Submission;
  onConfirm: (choice: Choice) => void;
  onClose: () => void;
}

/** Stopping asks first, with the grace period Docker waits after SIGTERM before it kills. */
export function StopContainerDialog({ container, submission, onConfirm, onClose }: ContainerDialogProps<number>) {
  const [grace, setGrace] = useState(String(DEFAULT_GRACE_SECONDS));
  const [invalid, setInvalid] = useState<string>();
  const name = containerName(container);
  const timeoutError = fieldErrors(submission.error).timeoutSeconds;
  return (
    <ConfirmDialog
      title={`Stop ${name}?`}
      description="Docker asks its main process to stop (SIGTERM) and kills it if it has not stopped after the grace period. Whatever it serves is down until it is started again."
      confirmLabel="Stop container"
      pendingLabel="Stopping…"
      submission={{ ...submission, error: timeoutError ? undefined : submission.error }}
      onConfirm={() => {
        const seconds = Number(grace);
        if (!/^\d{1,3}$/.test(grace.trim()) || seconds > MAX_GRACE_SECONDS) {
          setInvalid(`A whole number of seconds from 0 to ${MAX_GRACE_SECONDS}`);
          return;
        }
        setInvalid(undefined);
        onConfirm(seconds);
      }}
      onClose={onClose}
    >
      <TextField
        label="Grace period (seconds)"
        inputMode="numeric"
        {...bindText(grace, setGrace)}
        hint="How long Docker waits after SIGTERM before it kills the container."
        error={invalid ?? timeoutError}
      />
    </ConfirmDialog>
  );
}

/** Removing asks first; force also removes a running container (Docker kills it). */
export function RemoveContainerDialog({ container, submission, onConfirm, onClose }: ContainerDialogProps<boolean>) {
  const [force, setForce] = useState(false);
  const forceId = useId();
  const name = containerName(container);
  const running = container.state === 'running';
  return (
    <ConfirmDialog
      title={`Remove ${name}?`}
      description="The container and its writable layer are deleted on the server. Named volumes are kept. This cannot be undone."
      confirmLabel="Remove container"
      pendingLabel="Removing…"
      submission={submission}
      onConfirm={() => onConfirm(force)}
      onClose={onClose}
    >
      <div className="containers__force">
        <input
          id={forceId}
          type="checkbox"
          checked={force}
          onChange={(event) => setForce(event.target.checked)}
          aria-describedby={`${forceId}-hint`}
        />
        <label htmlFor={forceId}>Force</label>
        <p id={`${forceId}-hint`} className="field__hint">
          {running ? 'It is running: without force Docker refuses; with force it kills it first.' : 'Kills the container first if it is running.'}
        </p>
      </div>
    </ConfirmDialog>
  );
}
