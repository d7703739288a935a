import { Button } from '../../../components/button';
import { TextField } from '../../../components/text-field';
import type { SecretChange } from '../channel-form';

interface SecretFieldProps {
  label: string;
  /** Whether the saved channel holds a value (never the value itself). */
  isSet: boolean;
  required: boolean;
  /** An optional secret the API lets a saved channel drop. */
  clearable: boolean;
  value: string;
  onValue: (value: string) => void;
  change: SecretChange;
  onChange: (change: SecretChange) => void;
  hint?: string;
  error?: string;
  placeholder?: string;
}

/**
 * A write-only secret: typed when new; once saved, only "set" is shown, with Replace (a new value)
 * and, for an optional one, Clear. The stored value is never sent back to the browser.
 */
export function SecretField({ label, isSet, required, clearable, value, onValue, change, onChange, hint, error, placeholder }: SecretFieldProps) {
  if (isSet && change !== 'replace') {
    return (
      <div className="field">
        <span className="field__label">{label}</span>
        <div className="channels__secret" data-testid={`secret-${label}`}>
          <span className="muted">{change === 'clear' ? 'Cleared on save.' : 'Set — replace?'}</span>
          {change === 'clear' ? (
            <Button tone="secondary" small onClick={() => onChange('keep')}>
              Keep it
            </Button>
          ) : (
            <>
              <Button tone="secondary" small aria-label={`Replace ${label}`} onClick={() => onChange('replace')}>
                Replace
              </Button>
              {clearable && (
                <Button tone="secondary" small aria-label={`Clear ${label}`} onClick={() => onChange('clear')}>
                  Clear
                </Button>
              )}
            </>
          )}
        </div>
        {error && <p className="field__error">{error}</p>}
      </div>
    );
  }
  return (
    <TextField
      label={label}
      type="password"
      autoComplete="new-password"
      required={required}
      placeholder={placeholder}
      value={value}
      onChange={(event) => onValue(event.target.value)}
      error={error}
      hint={isSet ? 'Replaces the stored value on save. Sealed; never shown again.' : (hint ?? 'Sealed with the instance key; never shown again.')}
    />
  );
}
