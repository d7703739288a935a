import { useState } from 'react';
import { FormDialog } from '../../../components/form-dialog';
import { ConfirmCodeField } from './confirm-code-field';
import { twoFactorFailureMessage, twoFactorFieldErrors } from '../errors';
import { useRegenerateRecoveryCodes } from '../mutations';
import { bindText } from '../../../components/field';

interface RegenerateCodesDialogProps {
  /** The new codes, to be shown once. */
  onRegenerated: (recoveryCodes: string[]) => void;
  onClose: () => void;
}

export function RegenerateCodesDialog({ onRegenerated, onClose }: RegenerateCodesDialogProps) {
  const regenerate = useRegenerateRecoveryCodes();
  const [code, setCode] = useState('');
  const fields = twoFactorFieldErrors(regenerate.error);

  const submit = () => {
    if (code.trim() === '') return;
    regenerate.mutate(
      { code: code.trim() },
      {
        onSuccess: ({ recoveryCodes }) => {
          regenerate.reset();
          onRegenerated(recoveryCodes);
        },
      },
    );
  };

  return (
    <FormDialog
      title="Regenerate recovery codes"
      description="Your current recovery codes stop working. Confirm with a code from your authenticator app, or an unused recovery code."
      onSubmit={submit}
      onClose={onClose}
      submission={regenerate}
      fields={['code']}
      failureMessage={twoFactorFailureMessage(regenerate.error)}
      submitLabel="Regenerate codes"
      pendingLabel="Regenerating…"
      disabled={code.trim() === ''}
    >
      <ConfirmCodeField {...bindText(code, setCode)} error={fields.code} />
    </FormDialog>
  );
}
