import { Field, type FieldProps } from './field';

type SelectFieldProps = FieldProps &
  Omit<React.SelectHTMLAttributes<HTMLSelectElement>, 'id'> & {
    /** Of the select itself, next to `input`. */
    selectClassName?: string;
  };

/** A labelled select with its hint or error below, like TextField. */
export function SelectField({ label, hint, error, className, selectClassName, children, ...select }: SelectFieldProps) {
  return (
    <Field label={label} hint={hint} error={error} className={className}>
      {(control) => (
        <select {...control} className={selectClassName ? `input ${selectClassName}` : 'input'} {...select}>
          {children}
        </select>
      )}
    </Field>
  );
}
