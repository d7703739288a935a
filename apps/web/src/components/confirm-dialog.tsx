import type { Submission } from './form-actions';
import { FormDialog } from './form-dialog';
import './confirm-dialog.css';

interface ConfirmDialogProps {
  title: string;
  /** What will happen, in a sentence; announced with the dialog. */
  description: string;
  confirmLabel: string;
  /** Shown on the button while the action runs, e.g. "Revoking…". */
  pendingLabel: string;
  /** The action: the button waits while it runs, and why it failed shows above the buttons. */
  submission: Submission;
  onConfirm: () => void;
  onClose: () => void;
  children?: React.ReactNode;
}

/**
 * Asks before a destructive action; focus starts on Cancel, so Enter alone does not destroy
 * anything. Stays open while the action runs and shows why it failed.
 */
export function ConfirmDialog({ confirmLabel, onConfirm, ...dialog }: ConfirmDialogProps) {
  return <FormDialog {...dialog} submitLabel={confirmLabel} tone="danger" onSubmit={onConfirm} />;
}
