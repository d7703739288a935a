import { useState } from 'react';
import { FormDialog } from '../../../components/form-dialog';
import { PasswordField } from '../../../components/text-field';
import { ConfirmCodeField } from './confirm-code-field';
import { twoFactorFailureMessage, twoFactorFieldErrors } from '../errors';
import { useDisableTwoFactor } from '../mutations';
import { bindText } from '../../../components/field';

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

  const submit = () => {
    if (!complete) return;
    disable.mutate({ password, code: code.trim() }, { onSuccess: onDisabled });
  };

  return (
    <FormDialog
      title="Turn off two-factor authentication"
      description="Signing in will need only your password. Confirm with your password and a code from your authenticator app, or a recovery code."
      onSubmit={submit}
      onClose={onClose}
      submission={disable}
      fields={['password', 'code']}
      failureMessage={twoFactorFailureMessage(disable.error)}
      submitLabel="Turn off"
      pendingLabel="Turning off…"
      disabled={!complete}
      tone="danger"
    >
      <PasswordField {...bindText(password, setPassword)} error={fields.password} />
      <ConfirmCodeField {...bindText(code, setCode)} error={fields.code} />
    </FormDialog>
  );
}
