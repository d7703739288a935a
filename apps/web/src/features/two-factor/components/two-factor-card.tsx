import type { TwoFactorEnrollmentResponse } from '@zpanel/contracts';
import { useState } from 'react';
import { ErrorState } from '../../../components/error-state';
import { FormFailure } from '../../../components/form-failure';
import { Skeleton } from '../../../components/skeleton';
import { StatusBadge } from '../../../components/status-badge';
import '../../../components/confirm-dialog.css';
import { useMe } from '../../../shared/session/queries';
import { useStartEnrollment } from '../mutations';
import { DisableTwoFactorDialog } from './disable-two-factor-dialog';
import { EnrollmentStep } from './enrollment-step';
import { RecoveryCodes } from './recovery-codes';
import { RegenerateCodesDialog } from './regenerate-codes-dialog';
import '../two-factor.css';

/**
 * Where the card is. The secret and the recovery codes live only in this component's state, for
 * as long as their step is open: leaving the step (or the page) drops them.
 */
type Step =
  | { kind: 'overview'; notice?: string }
  | { kind: 'enrolling'; enrollment: TwoFactorEnrollmentResponse }
  | { kind: 'codes'; recoveryCodes: string[]; status: string };

type OpenDialog = 'disable' | 'regenerate' | undefined;

export function TwoFactorCard() {
  const me = useMe();
  const start = useStartEnrollment();
  const [step, setStep] = useState<Step>({ kind: 'overview' });
  const [dialog, setDialog] = useState<OpenDialog>();
  const enabled = me.data?.user.twoFactorEnabled ?? false;

  const enroll = () =>
    start.mutate(undefined, {
      onSuccess: (enrollment) => {
        start.reset();
        setStep({ kind: 'enrolling', enrollment });
      },
    });

  return (
    <article className="card two-factor" data-testid="two-factor-card" aria-labelledby="two-factor-title">
      <div className="card__header">
        <h2 className="card__title" id="two-factor-title">
          Two-factor authentication
        </h2>
        {me.isSuccess && <StatusBadge tone={enabled ? 'ok' : 'neutral'}>{enabled ? 'On' : 'Off'}</StatusBadge>}
      </div>
      {me.isPending && <Skeleton lines={2} />}
      {me.isError && <ErrorState error={me.error} />}
      {me.isSuccess && step.kind === 'codes' && (
        <RecoveryCodes codes={step.recoveryCodes} account={me.data.user.email} status={step.status} onDone={() => setStep({ kind: 'overview' })} />
      )}
      {me.isSuccess && step.kind === 'enrolling' && (
        <EnrollmentStep
          enrollment={step.enrollment}
          onConfirmed={(recoveryCodes) => setStep({ kind: 'codes', recoveryCodes, status: 'Two-factor authentication is on.' })}
          onCancel={() => setStep({ kind: 'overview' })}
        />
      )}
      {me.isSuccess && step.kind === 'overview' && (
        <div className="two-factor__overview">
          {step.notice && (
            <p className="form__success" role="status">
              {step.notice}
            </p>
          )}
          {enabled ? (
            <>
              <p className="muted">Signing in asks for a code from your authenticator app. Without the app, use one of your recovery codes.</p>
              <div className="two-factor__actions">
                <button type="button" className="button button--secondary" onClick={() => setDialog('regenerate')}>
                  Regenerate recovery codes
                </button>
                <button type="button" className="button button--danger-outline" onClick={() => setDialog('disable')}>
                  Disable
                </button>
              </div>
            </>
          ) : (
            <>
              <p className="muted">Protect your account with a second step at sign-in: a 6-digit code from an authenticator app on your phone.</p>
              <FormFailure error={start.error} fields={[]} />
              <div className="two-factor__actions">
                <button type="button" className="button" onClick={enroll} disabled={start.isPending}>
                  {start.isPending ? 'Starting…' : 'Enable'}
                </button>
              </div>
            </>
          )}
        </div>
      )}
      {dialog === 'disable' && (
        <DisableTwoFactorDialog
          onClose={() => setDialog(undefined)}
          onDisabled={() => {
            setDialog(undefined);
            setStep({ kind: 'overview', notice: 'Two-factor authentication is off.' });
          }}
        />
      )}
      {dialog === 'regenerate' && (
        <RegenerateCodesDialog
          onClose={() => setDialog(undefined)}
          onRegenerated={(recoveryCodes) => {
            setDialog(undefined);
            setStep({ kind: 'codes', recoveryCodes, status: 'New recovery codes are ready; the old ones no longer work.' });
          }}
        />
      )}
    </article>
  );
}
