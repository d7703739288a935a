import { type CreateOwnerRequest, ErrorCode } from '@zpanel/contracts';
import { Link, Navigate } from 'react-router';
import { FormFailure } from '../../../components/form-failure';
import { Skeleton } from '../../../components/skeleton';
import { useTextForm } from '../../../components/field';
import { NewPasswordField, TextField } from '../../../components/text-field';
import { ApiError, fieldErrors } from '../../../lib/api-client';
import { useSessionStore } from '../../../lib/session-store';
import { AuthLayout } from '../../../components/auth-layout';
import { useCreateOwner } from '../../../shared/session/mutations';
import { useSetupStatus } from '../../../shared/session/queries';
import { RetryError } from '../../../components/retry-error';

const TITLE = 'Create the owner account';
const FIELDS: readonly (keyof CreateOwnerRequest)[] = ['email', 'name', 'password', 'teamName'];

/** First run: the owner account and its first team, accepted once by the API. */
export function SetupPage() {
  const status = useSessionStore((state) => state.status);
  const setup = useSetupStatus();
  const createOwner = useCreateOwner();
  const { form, bind } = useTextForm<CreateOwnerRequest>({ email: '', name: '', password: '', teamName: '' });

  if (status === 'signedIn') return <Navigate to="/" replace />;
  if (setup.data?.needsOwner === false) return <Navigate to="/login" replace />;

  if (setup.isPending || setup.isError) {
    return <AuthLayout title={TITLE}>{setup.isPending ? <Skeleton lines={4} /> : <RetryError query={setup} />}</AuthLayout>;
  }

  const fields = fieldErrors(createOwner.error);
  const alreadyOwned = createOwner.error instanceof ApiError && createOwner.error.code === ErrorCode.Conflict;

  return (
    <AuthLayout title={TITLE} description="This Zpanel is new. The owner can manage everything on it, including who else may sign in.">
      <form
        className="form"
        aria-label={TITLE}
        onSubmit={(event) => {
          event.preventDefault();
          createOwner.mutate(form);
        }}
      >
        <TextField label="Email" type="email" autoComplete="email" required autoFocus {...bind('email')} error={fields.email} />
        <TextField label="Name" autoComplete="name" required {...bind('name')} error={fields.name} />
        <NewPasswordField {...bind('password')} error={fields.password} />
        <TextField
          label="Team name"
          autoComplete="organization"
          required
          {...bind('teamName')}
          hint="Your first team; apps and servers belong to a team."
          error={fields.teamName}
        />
        {alreadyOwned ? (
          <p className="form__error" role="alert">
            This Zpanel already has an owner. <Link to="/login">Sign in</Link> instead.
          </p>
        ) : (
          <FormFailure error={createOwner.error} fields={FIELDS} />
        )}
        <button type="submit" className="button button--block" disabled={createOwner.isPending}>
          {createOwner.isPending ? 'Creating account…' : 'Create owner account'}
        </button>
      </form>
    </AuthLayout>
  );
}
