import { Field, type FieldProps } from './field';

type TextFieldProps = FieldProps & Omit<React.InputHTMLAttributes<HTMLInputElement>, 'id'>;

/** A labelled input with its hint or error below, both announced with the input. */
export function TextField({ label, hint, error, className, ...input }: TextFieldProps) {
  return (
    <Field label={label} hint={hint} error={error} className={className}>
      {(control) => <input {...control} className="input" {...input} />}
    </Field>
  );
}
