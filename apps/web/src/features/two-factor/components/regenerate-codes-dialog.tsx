import { useState } from 'react';
import { Dialog } from '../../../components/dialog';
import { FormFailure } from '../../../components/form-failure';
import { TextField } from '../../../components/text-field';
import { twoFactorFailureMessage, twoFactorFieldErrors } from '../errors';
import { useRegenerateRecoveryCodes } from '../mutations';

interface RegenerateCodesDialogProps {
  /** The new codes, to be shown once. */
  onRegenerated: (recoveryCodes: string[]) => void;
  onClose: () => void;
}

export function RegenerateCodesDialog({ onRegenerated, onClose }: RegenerateCodesDialogProps) {
  const regenerate = useRegenerateRecoveryCodes();
  const [code, setCode] = useState('');
  const fields = twoFactorFieldErrors(regenerate.error);

  const submit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
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
    <Dialog
      title="Regenerate recovery codes"
      description="Your current recovery codes stop working. Confirm with a code from your authenticator app, or an unused recovery code."
      onClose={onClose}
    >
      <form className="form" onSubmit={submit}>
        <TextField
          label="Authentication or recovery code"
          autoComplete="one-time-code"
          spellCheck={false}
          required
          value={code}
          onChange={(event) => setCode(event.target.value)}
          error={fields.code}
        />
        <FormFailure error={regenerate.error} fields={['code']} message={twoFactorFailureMessage(regenerate.error)} />
        <div className="form__actions">
          <button type="button" className="button button--secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button" disabled={code.trim() === '' || regenerate.isPending}>
            {regenerate.isPending ? 'Regenerating…' : 'Regenerate codes'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
