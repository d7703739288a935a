import { useState } from 'react';
import { Dialog } from '../../../components/dialog';
import { FormFailure } from '../../../components/form-failure';
import { TextField } from '../../../components/text-field';
import '../../../components/confirm-dialog.css';
import { twoFactorFailureMessage, twoFactorFieldErrors } from '../errors';
import { useDisableTwoFactor } from '../mutations';

interface DisableTwoFactorDialogProps {
  onDisabled: () => void;
  onClose: () => void;
}

/** Turning 2FA off needs both the password and a current code (TOTP or recovery code). */
export function DisableTwoFactorDialog({ onDisabled, onClose }: DisableTwoFactorDialogProps) {
  const disable = useDisableTwoFactor();
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const fields = twoFactorFieldErrors(disable.error);
  const complete = password !== '' && code.trim() !== '';

  const submit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!complete) return;
    disable.mutate({ password, code: code.trim() }, { onSuccess: onDisabled });
  };

  return (
    <Dialog
      title="Turn off two-factor authentication"
      description="Signing in will need only your password. Confirm with your password and a code from your authenticator app, or a recovery code."
      onClose={onClose}
    >
      <form className="form" onSubmit={submit}>
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          error={fields.password}
        />
        <TextField
          label="Authentication or recovery code"
          autoComplete="one-time-code"
          spellCheck={false}
          required
          value={code}
          onChange={(event) => setCode(event.target.value)}
          error={fields.code}
        />
        <FormFailure error={disable.error} fields={['password', 'code']} message={twoFactorFailureMessage(disable.error)} />
        <div className="form__actions">
          <button type="button" className="button button--secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--danger" disabled={!complete || disable.isPending}>
            {disable.isPending ? 'Turning off…' : 'Turn off'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
