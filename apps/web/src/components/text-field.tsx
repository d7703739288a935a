import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '@zpanel/contracts';
import { Field, type FieldProps } from './field';

export type TextFieldProps = FieldProps & Omit<React.InputHTMLAttributes<HTMLInputElement>, 'id'>;

/** A labelled input with its hint or error below, both announced with the input. */
export function TextField({ label, hint, error, className, ...input }: TextFieldProps) {
  return (
    <Field label={label} hint={hint} error={error} className={className}>
      {(control) => <input {...control} className="input" {...input} />}
    </Field>
  );
}

/** The password the user signs in with, asked again to confirm who they are. */
export function PasswordField({ label = 'Password', ...input }: Omit<TextFieldProps, 'label' | 'type' | 'autoComplete'> & { label?: string }) {
  return <TextField label={label} type="password" autoComplete="current-password" required {...input} />;
}

/** A password being chosen, with the length the API asks for said up front. */
export function NewPasswordField({
  label = 'Password',
  ...input
}: Omit<TextFieldProps, 'label' | 'type' | 'autoComplete' | 'maxLength' | 'hint'> & { label?: string }) {
  return (
    <TextField
      label={label}
      type="password"
      autoComplete="new-password"
      required
      maxLength={PASSWORD_MAX_LENGTH}
      hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}
      {...input}
    />
  );
}

/** The 6-digit code of an authenticator app (spaces allowed, as apps show it in groups). */
export function TotpCodeField({
  className,
  ...input
}: Omit<TextFieldProps, 'name' | 'inputMode' | 'autoComplete' | 'pattern' | 'maxLength' | 'placeholder'>) {
  return (
    <TextField
      name="totpCode"
      className={className ? `field--code ${className}` : 'field--code'}
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="\s*(\d\s*){6}"
      maxLength={7}
      placeholder="123456"
      required
      autoFocus
      {...input}
    />
  );
}
