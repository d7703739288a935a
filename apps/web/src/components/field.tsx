import { useId, useState } from 'react';

export interface FieldProps {
  label: string;
  /** Shown under the field until there is an error to show instead. */
  hint?: string;
  error?: string;
  /** Of the wrapper, next to `field`. */
  className?: string;
}

/** What the control needs to be labelled and to announce its hint or error. */
export interface FieldControl {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

/** A label, one control, and the control's hint or error below, both announced with it. */
export function Field({ label, hint, error, className, children }: FieldProps & { children: (control: FieldControl) => React.ReactNode }) {
  const id = useId();
  const noteId = `${id}-note`;
  const note = error ?? hint;
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': note ? noteId : undefined })}
      {note && (
        <p id={noteId} className={error ? 'field__error' : 'field__hint'}>
          {note}
        </p>
      )}
    </div>
  );
}

type TextControl = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

/** `value` and `onChange` of a text control kept in a `useState` pair, to spread onto it. */
export function bindText(value: string, setValue: (value: string) => void) {
  return { value, onChange: (event: React.ChangeEvent<TextControl>) => setValue(event.target.value) };
}

/** A form's text values in one state; `bind(key)` spreads onto the control of one of them. */
export function useTextForm<T extends { [K in keyof T]: string }>(initial: T, onEdit?: () => void) {
  const [form, setForm] = useState(initial);
  const bind = (key: keyof T) => ({
    value: form[key],
    onChange: (event: React.ChangeEvent<TextControl>) => {
      setForm((current) => ({ ...current, [key]: event.target.value }));
      onEdit?.();
    },
  });
  return { form, setForm, bind };
}
