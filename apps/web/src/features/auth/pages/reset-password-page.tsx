import { useMutation } from '@tanstack/react-query';
import { PASSWORD_RESET_PATH } from '@zpanel/contracts';
import { useEffect, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { AuthLayout } from '../../../components/auth-layout';
import { bindText } from '../../../components/field';
import { FormFailure } from '../../../components/form-failure';
import { NewPasswordField } from '../../../components/text-field';
import { fieldErrors } from '../../../lib/api-client';
import { confirmPasswordReset } from '../api';

const TITLE = 'Set a new password';

/** The token of an emailed link: it comes in the fragment (`#token=zpp_…`), which no request line carries. */
function tokenFromHash(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return token && token.length <= 128 ? token : null;
}

/**
 * Opened from the emailed reset link: sets a new password with its token. The token is read once
 * and taken out of the address bar. Setting the password signs the account out everywhere, so the
 * person then signs in with it; two-factor authentication, if on, stays on.
 */
export function ResetPasswordPage() {
  const location = useLocation();
  const navigate = useNavigate();
  const [token] = useState(() => tokenFromHash(location.hash));
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const reset = useMutation({ mutationFn: confirmPasswordReset });

  useEffect(() => {
    if (location.hash) void navigate(PASSWORD_RESET_PATH, { replace: true });
  }, [location.hash, navigate]);

  const askAgain = <Link to="/forgot-password">Ask for a new link</Link>;

  if (!token) {
    return (
      <AuthLayout title={TITLE} footer={<Link to="/login">Back to sign in</Link>}>
        <p className="form__error" role="alert">
          This link is incomplete. Open the link from the email again, or ask for a new one.
        </p>
        <p className="form__context">{askAgain}</p>
      </AuthLayout>
    );
  }

  if (reset.isSuccess) {
    return (
      <AuthLayout title="Password changed">
        <p className="form__context" role="status">
          Your new password is set and every session of your account was signed out.
        </p>
        <Link className="button button--block" to="/login">
          Sign in
        </Link>
      </AuthLayout>
    );
  }

  const fields = fieldErrors(reset.error);
  return (
    <AuthLayout title={TITLE} description="Choose a new password for your account." footer={<Link to="/login">Back to sign in</Link>}>
      <form
        className="form"
        aria-label={TITLE}
        onSubmit={(event) => {
          event.preventDefault();
          if (password !== confirmation) {
            setMismatch(true);
            return;
          }
          reset.mutate({ token, password });
        }}
      >
        <NewPasswordField label="New password" name="password" autoFocus {...bindText(password, setPassword)} error={fields.password} />
        <NewPasswordField
          label="Repeat the new password"
          name="confirmation"
          {...bindText(confirmation, (value) => {
            setConfirmation(value);
            setMismatch(false);
          })}
          error={mismatch ? 'The two passwords differ.' : undefined}
        />
        {fields.token ? (
          <p className="form__error" role="alert">
            This link is not valid, was already used, or has expired. {askAgain}
          </p>
        ) : (
          <FormFailure error={reset.error} fields={['password', 'token']} />
        )}
        <button type="submit" className="button button--block" disabled={reset.isPending}>
          {reset.isPending ? 'Saving…' : 'Set new password'}
        </button>
      </form>
    </AuthLayout>
  );
}
