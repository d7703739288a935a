import { useId } from 'react';
import { CopyButton } from '../../../components/copy-button';

interface CopyFieldProps {
  label: string;
  value: string;
  hint?: string;
  autoFocus?: boolean;
}

/** A read-only value with a Copy button; focusing it selects it all, for copying by hand. */
export function CopyField({ label, value, hint, autoFocus }: CopyFieldProps) {
  const id = useId();
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <div className="members-copy">
        <input
          id={id}
          className="input mono members-copy__input"
          readOnly
          autoFocus={autoFocus}
          value={value}
          aria-describedby={hint ? `${id}-note` : undefined}
          onFocus={(event) => event.currentTarget.select()}
        />
        <CopyButton text={value} label="Copy" className="button" />
      </div>
      {hint && (
        <p id={`${id}-note`} className="field__hint">
          {hint}
        </p>
      )}
    </div>
  );
}
