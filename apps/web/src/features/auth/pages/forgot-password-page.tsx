import { ErrorCode } from '@zpanel/contracts';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { AuthLayout } from '../../../components/auth-layout';
import { bindText } from '../../../components/field';
import { FormFailure } from '../../../components/form-failure';
import { TextField } from '../../../components/text-field';
import { ApiError, fieldErrors } from '../../../lib/api-client';
import { waitDuration } from '../../../lib/format';
import { requestPasswordReset } from '../api';

const TITLE = 'Reset your password';

/**
 * Asks for a reset link by email. The answer is the same whether or not an account has the
 * address (the API never says), so the page only ever says "if an account exists".
 */
export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const request = useMutation({ mutationFn: requestPasswordReset });

  if (request.isSuccess) {
    return (
      <AuthLayout title="Check your email" footer={<Link to="/login">Back to sign in</Link>}>
        <p className="form__context" role="status">
          {request.data.message}
        </p>
        <p className="form__context">
          No email? Check the spam folder, or ask the person who runs this Zpanel: it can only send email once they set it up.
        </p>
      </AuthLayout>
    );
  }

  const fields = fieldErrors(request.error);
  return (
    <AuthLayout
      title={TITLE}
      description="Enter the email address of your account. If it has one, we email it a link to set a new password."
      footer={<Link to="/login">Back to sign in</Link>}
    >
      <form
        className="form"
        aria-label={TITLE}
        onSubmit={(event) => {
          event.preventDefault();
          request.mutate({ email: email.trim() });
        }}
      >
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
        <FormFailure error={request.error} fields={['email']} message={failureMessage(request.error)} />
        <button type="submit" className="button button--block" disabled={request.isPending}>
          {request.isPending ? 'Sending…' : 'Send reset link'}
        </button>
      </form>
    </AuthLayout>
  );
}

function failureMessage(error: unknown): string | undefined {
  if (!(error instanceof ApiError) || error.code !== ErrorCode.RateLimited) return undefined;
  return error.retryAfterSeconds === undefined
    ? 'Too many reset requests. Wait a moment, then try again.'
    : `Too many reset requests. Try again in ${waitDuration(error.retryAfterSeconds)}.`;
}
