import { TextField } from '../../../components/text-field';

interface ConfirmCodeFieldProps {
  value: string;
  onChange: (event: React.ChangeEvent<HTMLInputElement>) => void;
  error?: string;
}

/** Confirms a change to two-factor authentication: a code from the app, or an unused recovery code. */
export function ConfirmCodeField(props: ConfirmCodeFieldProps) {
  return <TextField label="Authentication or recovery code" autoComplete="one-time-code" spellCheck={false} required {...props} />;
}
