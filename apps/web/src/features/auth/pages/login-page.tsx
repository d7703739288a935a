import { ErrorCode, type LoginRequest } from '@zpanel/contracts';
import { useState } from 'react';
import { Link, Navigate, useSearchParams } from 'react-router';
import { FormFailure } from '../../../components/form-failure';
import { PasswordField, TextField, TotpCodeField } from '../../../components/text-field';
import { ApiError, fieldErrors } from '../../../lib/api-client';
import { waitDuration } from '../../../lib/format';
import { useSessionStore } from '../../../lib/session-store';
import { AuthLayout } from '../../../components/auth-layout';
import { useLogin } from '../../../shared/session/mutations';
import { safeNextPath } from '../../../shared/session/next-path';
import { useSetupStatus } from '../../../shared/session/queries';
import { bindText } from '../../../components/field';

type Step = 'password' | 'totp' | 'recovery';

export function LoginPage() {
  const status = useSessionStore((state) => state.status);
  const signOutReason = useSessionStore((state) => state.signOutReason);
  const [params] = useSearchParams();
  const setup = useSetupStatus();
  const login = useLogin();
  const [step, setStep] = useState<Step>('password');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');

  if (status === 'signedIn') return <Navigate to={safeNextPath(params.get('next'))} replace />;
  // A fresh instance has nobody to sign in yet.
  if (setup.data?.needsOwner) return <Navigate to="/setup" replace />;

  const submit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const request: LoginRequest = { email, password };
    if (step === 'totp') request.totpCode = code.replace(/\s/g, '');
    if (step === 'recovery') request.recoveryCode = code.trim();
    login.mutate(request, {
      onError: (error) => {
        if (step === 'password' && isApiError(error, ErrorCode.TwoFactorRequired)) {
          login.reset();
          setStep('totp');
        }
      },
    });
  };

  const switchStep = (next: Step) => {
    login.reset();
    setCode('');
    setStep(next);
    if (next === 'password') setPassword('');
  };

  const fields = fieldErrors(login.error);
  // A refused code is said once, under the code field.
  const wrongCode = step !== 'password' && isApiError(login.error, ErrorCode.InvalidCredentials);
  const failure = wrongCode ? null : <FormFailure error={login.error} fields={FIELDS} message={failureMessage(login.error)} />;

  if (step === 'password') {
    return (
      <AuthLayout
        title="Sign in to Zpanel"
        description={signOutReason === 'expired' ? 'Your session has expired. Sign in again to continue.' : undefined}
      >
        <form className="form" onSubmit={submit} aria-label="Sign in">
          <TextField
            label="Email"
            type="email"
            name="email"
            autoComplete="username"
            required
            autoFocus
            {...bindText(email, setEmail)}
            error={fields.email}
          />
          <PasswordField name="password" {...bindText(password, setPassword)} error={fields.password} />
          {failure}
          <button type="submit" className="button button--block" disabled={login.isPending}>
            {login.isPending ? 'Signing in…' : 'Sign in'}
          </button>
          <div className="form__links">
            <Link className="link-button" to="/forgot-password">
              Forgot password?
            </Link>
          </div>
        </form>
      </AuthLayout>
    );
  }

  const totp = step === 'totp';
  return (
    <AuthLayout
      title="Two-factor authentication"
      description={
        totp
          ? 'Enter the 6-digit code from your authenticator app.'
          : 'Enter one of the recovery codes you saved when you turned on two-factor authentication. Each code works once.'
      }
    >
      <form className="form" onSubmit={submit} aria-label="Verify sign-in">
        <p className="form__context">
          Signing in as <strong>{email}</strong>
        </p>
        {totp ? (
          <TotpCodeField key="totp" label="Authentication code" {...bindText(code, setCode)} error={wrongCode ? WRONG_CODE : fields.totpCode} />
        ) : (
          <TextField
            key="recovery"
            label="Recovery code"
            name="recoveryCode"
            autoComplete="off"
            spellCheck={false}
            required
            autoFocus
            {...bindText(code, setCode)}
            error={wrongCode ? WRONG_CODE : fields.recoveryCode}
          />
        )}
        {failure}
        <button type="submit" className="button button--block" disabled={login.isPending}>
          {login.isPending ? 'Verifying…' : 'Verify'}
        </button>
        <div className="form__links">
          <button type="button" className="link-button" onClick={() => switchStep(totp ? 'recovery' : 'totp')}>
            {totp ? 'Use a recovery code instead' : 'Use your authenticator app instead'}
          </button>
          <button type="button" className="link-button" onClick={() => switchStep('password')}>
            Back
          </button>
        </div>
      </form>
    </AuthLayout>
  );
}

const FIELDS = ['email', 'password', 'totpCode', 'recoveryCode'] as const;
const WRONG_CODE = 'That code is not valid, or was already used.';

/** What went wrong, in the user's words, where the generic problem display would not do. */
function failureMessage(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  switch (error.code) {
    case ErrorCode.InvalidCredentials:
      return 'Wrong email or password';
    case ErrorCode.TwoFactorRequired:
      return 'Enter a code to finish signing in.';
    case ErrorCode.RateLimited:
      return error.retryAfterSeconds === undefined
        ? 'Too many sign-in attempts. Wait a moment, then try again.'
        : `Too many sign-in attempts. Try again in ${waitDuration(error.retryAfterSeconds)}.`;
    default:
      return undefined;
  }
}

function isApiError(error: unknown, code: ErrorCode): boolean {
  return error instanceof ApiError && error.code === code;
}
