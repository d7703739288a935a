import { Dialog } from './dialog';
import { FormFailure } from './form-failure';
import './confirm-dialog.css';

interface ConfirmDialogProps {
  title: string;
  /** What will happen, in a sentence; announced with the dialog. */
  description: string;
  confirmLabel: string;
  /** Shown on the button while the action runs, e.g. "Revoking…". */
  pendingLabel: string;
  pending: boolean;
  /** The failed attempt's error, shown above the buttons. */
  error?: unknown;
  onConfirm: () => void;
  onClose: () => void;
  children?: React.ReactNode;
}

/**
 * Asks before a destructive action; focus starts on Cancel, so Enter alone does not destroy
 * anything. Stays open while the action runs and shows why it failed.
 */
export function ConfirmDialog({ title, description, confirmLabel, pendingLabel, pending, error, onConfirm, onClose, children }: ConfirmDialogProps) {
  return (
    <Dialog title={title} description={description} onClose={onClose}>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          onConfirm();
        }}
      >
        {children}
        <FormFailure error={error} fields={[]} />
        <div className="form__actions">
          <button type="button" className="button button--secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--danger" disabled={pending}>
            {pending ? pendingLabel : confirmLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
