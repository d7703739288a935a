import { useId } from 'react';

interface NoteProps {
  id: string;
  hint?: string;
  error?: string;
}

function Note({ id, hint, error }: NoteProps) {
  const note = error ?? hint;
  if (!note) return null;
  return (
    <p id={id} className={error ? 'field__error' : 'field__hint'}>
      {note}
    </p>
  );
}

interface TextAreaFieldProps extends Omit<React.TextareaHTMLAttributes<HTMLTextAreaElement>, 'id'> {
  label: string;
  hint?: string;
  error?: string;
  /** Several problems (a bulk edit's per-line errors), listed under the field. */
  errors?: readonly string[];
}

/** A labelled textarea, monospaced for code-like content (domains, .env text). */
export function TextAreaField({ label, hint, error, errors = [], className, ...textarea }: TextAreaFieldProps) {
  const id = useId();
  const invalid = Boolean(error) || errors.length > 0;
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <textarea
        id={id}
        className="input applications__textarea"
        spellCheck={false}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={invalid || hint ? `${id}-note` : undefined}
        {...textarea}
      />
      {errors.length > 0 ? (
        <ul id={`${id}-note`} className="field__error applications__errors" data-testid="field-errors">
          {errors.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      ) : (
        <Note id={`${id}-note`} hint={hint} error={error} />
      )}
    </div>
  );
}

/** A checkbox with its label to the right. */
export function CheckboxField({ label, ...input }: Omit<React.InputHTMLAttributes<HTMLInputElement>, 'type'> & { label: string }) {
  return (
    <label className="applications__check">
      <input type="checkbox" {...input} />
      {label}
    </label>
  );
}
