import { Button, type ButtonTone } from './button';
import { FormFailure } from './form-failure';
import './confirm-dialog.css';

/** What the form's buttons need to know of the mutation it submits (a react-query mutation fits). */
export interface Submission {
  isPending: boolean;
  isSuccess?: boolean;
  error: unknown;
}

export interface FormActionsProps {
  /** Its error shows above the buttons, and the submit button waits while it runs. */
  submission: Submission;
  /** Fields that show their own errors (see FormFailure). */
  fields?: readonly string[];
  /** The failure in the user's words (see FormFailure). */
  failureMessage?: string;
  /** Shown once the submission succeeded, until the next one starts. */
  savedMessage?: string;
  submitLabel: string;
  /** On the submit button while the submission runs, e.g. "Creating…". */
  pendingLabel?: string;
  /** Disabled for another reason than a running submission (a refusal, nothing to send). */
  disabled?: boolean;
  /** Why the caller may not submit: the button is then disabled and says why on hover. */
  refusal?: string;
  tone?: ButtonTone;
  /** A button rather than a submit: the action runs outside a form. */
  onClick?: () => void;
  /** Adds a Cancel button before the submit button. */
  onCancel?: () => void;
  className?: string;
  /** Between the failure and the buttons, e.g. a note on why nothing would be sent. */
  children?: React.ReactNode;
}

/** The end of a form: why the last submission failed (or that it worked), then Cancel and the submit button. */
export function FormActions({
  submission,
  fields = [],
  failureMessage,
  savedMessage,
  submitLabel,
  pendingLabel = 'Saving…',
  disabled,
  refusal,
  tone,
  onClick,
  onCancel,
  className,
  children,
}: FormActionsProps) {
  const { isPending, isSuccess, error } = submission;
  return (
    <>
      <FormFailure error={error} fields={fields} message={failureMessage} />
      {savedMessage && isSuccess && !isPending && <p className="form__success">{savedMessage}</p>}
      {children}
      <div className={className ? `form__actions ${className}` : 'form__actions'}>
        {onCancel && (
          <Button tone="secondary" onClick={onCancel}>
            Cancel
          </Button>
        )}
        <Button type={onClick ? 'button' : 'submit'} tone={tone} refusal={refusal} disabled={disabled || isPending} onClick={onClick}>
          {isPending ? pendingLabel : submitLabel}
        </Button>
      </div>
    </>
  );
}

/** The end of a dialog that only shows something (a secret, a link): Done closes it. */
export function DoneActions({ onDone, tone }: { onDone: () => void; tone?: ButtonTone }) {
  return (
    <div className="form__actions">
      <Button tone={tone} onClick={onDone}>
        Done
      </Button>
    </div>
  );
}
