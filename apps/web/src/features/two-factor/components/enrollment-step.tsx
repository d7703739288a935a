import type { TwoFactorEnrollmentResponse } from '@zpanel/contracts';
import { useState } from 'react';
import { CopyButton } from '../../../components/copy-button';
import { FormActions } from '../../../components/form-actions';
import { TotpCodeField } from '../../../components/text-field';
import { twoFactorFailureMessage, twoFactorFieldErrors } from '../errors';
import { useConfirmTwoFactor } from '../mutations';
import { QrCode } from './qr-code';
import { bindText } from '../../../components/field';

interface EnrollmentStepProps {
  enrollment: TwoFactorEnrollmentResponse;
  /** 2FA is on; `recoveryCodes` are to be shown once. */
  onConfirmed: (recoveryCodes: string[]) => void;
  onCancel: () => void;
}

/** Base32 in groups of four, as authenticator apps show it; they ignore the spaces. */
export function groupSecret(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

const WRONG_CODE = 'That code is not right. Check that the time on your device is correct and enter the current code.';

/** Scan (or type) the secret into an app, then prove it with the first code. */
export function EnrollmentStep({ enrollment, onConfirmed, onCancel }: EnrollmentStepProps) {
  const confirm = useConfirmTwoFactor();
  const [code, setCode] = useState('');
  const fields = twoFactorFieldErrors(confirm.error, WRONG_CODE);

  const submit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    confirm.mutate(
      { code: code.replace(/\s/g, '') },
      {
        onSuccess: ({ recoveryCodes }) => {
          confirm.reset();
          onConfirmed(recoveryCodes);
        },
      },
    );
  };

  return (
    <div className="two-factor__enroll" data-testid="two-factor-enrollment">
      <QrCode value={enrollment.otpauthUri} label="QR code for your authenticator app" />
      <div className="two-factor__enroll-steps">
        <div>
          <h3 className="two-factor__subtitle">1. Scan the QR code</h3>
          <p className="muted">Use an authenticator app such as 1Password, Aegis, Google Authenticator or Authy.</p>
        </div>
        <div>
          <h3 className="two-factor__subtitle">Or enter the key by hand</h3>
          <div className="two-factor__secret">
            <code data-testid="totp-secret">{groupSecret(enrollment.secret)}</code>
            <CopyButton text={enrollment.secret} label="Copy key" />
          </div>
        </div>
        <form className="form" onSubmit={submit} aria-label="Confirm two-factor authentication">
          <TotpCodeField
            label="2. Enter the 6-digit code from the app"
            className="two-factor__code"
            {...bindText(code, setCode)}
            error={fields.code}
          />
          <FormActions
            submission={confirm}
            fields={['code']}
            failureMessage={twoFactorFailureMessage(confirm.error)}
            submitLabel="Turn on"
            pendingLabel="Verifying…"
            onCancel={onCancel}
            className="two-factor__actions"
          />
        </form>
      </div>
    </div>
  );
}
