import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ErrorCode, type InvitationPreviewResponse, type RegisterWithInvitationRequest } from '@zpanel/contracts';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ErrorState } from '../../../components/error-state';
import { FormFailure } from '../../../components/form-failure';
import { Skeleton } from '../../../components/skeleton';
import { useTextForm } from '../../../components/field';
import { NewPasswordField, TextField } from '../../../components/text-field';
import { ApiError, fieldErrors } from '../../../lib/api-client';
import { dateTime } from '../../../lib/format';
import { useSessionStore } from '../../../lib/session-store';
import { AuthLayout } from '../../../components/auth-layout';
import { useLogout } from '../../../shared/session/mutations';
import { loginPath } from '../../../shared/session/next-path';
import { meQuery } from '../../../shared/session/queries';
import { ROLE_LABELS } from '../../../shared/teams/labels';
import { useSwitchTeam } from '../../../shared/teams/use-current-team';
import { INVITATION_INVALID_MESSAGE, roughlyFromNow } from '../labels';
import { useAcceptInvitation, useRegisterWithInvitation } from '../mutations';
import { invitationPreviewQuery } from '../queries';
import '../members.css';
import { RetryError } from '../../../components/retry-error';

const isInvalid = (error: unknown) => error instanceof ApiError && error.code === ErrorCode.InvitationInvalid;

/**
 * Public page an invitation link opens: what the invitation is for, then the way in that fits who
 * is (or is not) signed in: register the invited email, accept as it, or sign in first.
 */
export function AcceptInvitationPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const status = useSessionStore((state) => state.status);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const switchTeam = useSwitchTeam();
  const accept = useAcceptInvitation();
  const register = useRegisterWithInvitation(token);
  // Once it is being used, the invitation is not asked for again: it would answer "already used".
  const using = accept.isPending || accept.isSuccess || register.isPending || register.isSuccess;
  const preview = useQuery({ ...invitationPreviewQuery(token), enabled: token !== '' && !using });
  const me = useQuery({ ...meQuery(), enabled: status === 'signedIn' });

  const enterTeam = (teamId: string | undefined) => {
    if (teamId) switchTeam(teamId);
    void navigate('/', { replace: true });
  };

  if (!token) {
    return <InvalidInvitation message="This link has no invitation in it. Open the link exactly as you received it." />;
  }
  if (accept.isSuccess || register.isSuccess) {
    return (
      <AuthLayout title="Joining the team…">
        <Skeleton lines={2} />
      </AuthLayout>
    );
  }
  if (preview.isPending) {
    return (
      <AuthLayout title="Team invitation">
        <Skeleton lines={4} />
      </AuthLayout>
    );
  }
  if (preview.isError) {
    if (isInvalid(preview.error)) return <InvalidInvitation />;
    return (
      <AuthLayout title="Team invitation">
        <RetryError query={preview} />
      </AuthLayout>
    );
  }
  if ([accept.error, register.error].some(isInvalid)) return <InvalidInvitation />;

  const invitation = preview.data;
  const signedInEmail = me.data?.user.email;
  const body = (() => {
    if (status === 'signedIn') {
      if (me.isPending) return <Skeleton lines={2} />;
      if (me.isError) return <ErrorState error={me.error} />;
      if (signedInEmail?.toLowerCase() !== invitation.email.toLowerCase()) {
        return <WrongAccount invitation={invitation} signedInEmail={signedInEmail ?? ''} />;
      }
      return (
        <div className="form">
          <FormFailure error={accept.error} fields={[]} message={accept.error instanceof ApiError ? accept.error.detail : undefined} />
          <button
            type="button"
            className="button button--block"
            disabled={accept.isPending}
            onClick={() => accept.mutate({ token }, { onSuccess: (membership) => enterTeam(membership.teamId) })}
          >
            {accept.isPending ? 'Accepting…' : `Accept and join ${invitation.teamName}`}
          </button>
        </div>
      );
    }
    if (invitation.accountExists) {
      return (
        <div className="form">
          <p className="form__context">
            <strong>{invitation.email}</strong> already has an account: sign in with it, then accept.
          </p>
          <Link className="button button--block" to={loginPath(`/invitations/accept?${new URLSearchParams({ token })}`)}>
            Sign in to accept
          </Link>
        </div>
      );
    }
    return (
      <RegisterForm
        invitation={invitation}
        pending={register.isPending}
        error={register.error}
        onSubmit={(form) =>
          register.mutate(
            { token, ...form },
            {
              onSuccess: () =>
                queryClient.fetchQuery(meQuery()).then(
                  // The new account is in this one team; matched by name in case that ever changes.
                  (account) => enterTeam((account.teams.find((team) => team.teamName === invitation.teamName) ?? account.teams[0])?.teamId),
                  // Signed in all the same: the shell asks for /me again and shows its own error.
                  () => enterTeam(undefined),
                ),
            },
          )
        }
      />
    );
  })();

  return (
    <AuthLayout
      title={`Join ${invitation.teamName}`}
      description={`You are invited to join this team as ${ROLE_LABELS[invitation.role].toLowerCase()}.`}
    >
      <dl className="facts invitation-facts" data-testid="invitation-facts">
        <dt>Team</dt>
        <dd>{invitation.teamName}</dd>
        <dt>Role</dt>
        <dd>{ROLE_LABELS[invitation.role]}</dd>
        <dt>For</dt>
        <dd>{invitation.email}</dd>
        <dt>Expires</dt>
        <dd title={dateTime(invitation.expiresAt)}>{roughlyFromNow(invitation.expiresAt)}</dd>
      </dl>
      {body}
    </AuthLayout>
  );
}

function InvalidInvitation({ message = INVITATION_INVALID_MESSAGE }: { message?: string }) {
  return (
    <AuthLayout title="Invitation unavailable">
      <div className="form">
        <p className="form__error" role="alert" data-testid="invitation-invalid">
          {message}
        </p>
        <Link className="button button--secondary button--block" to="/">
          Go to Zpanel
        </Link>
      </div>
    </AuthLayout>
  );
}

function WrongAccount({ invitation, signedInEmail }: { invitation: InvitationPreviewResponse; signedInEmail: string }) {
  const logout = useLogout();
  return (
    <div className="form" data-testid="wrong-account">
      <p className="form__context">
        You are signed in as <strong>{signedInEmail}</strong>, but this invitation is for <strong>{invitation.email}</strong>.{' '}
        {invitation.accountExists ? 'Sign out, then sign in with that account to accept.' : 'Sign out to create the account for it.'}
      </p>
      <button type="button" className="button button--block" onClick={() => logout.mutate()} disabled={logout.isPending}>
        {logout.isPending ? 'Signing out…' : `Sign out of ${signedInEmail}`}
      </button>
      <Link className="button button--secondary button--block" to="/">
        Back to Zpanel
      </Link>
    </div>
  );
}

const REGISTER_FIELDS: readonly (keyof RegisterWithInvitationRequest)[] = ['name', 'password'];

interface RegisterFormProps {
  invitation: InvitationPreviewResponse;
  pending: boolean;
  error: unknown;
  onSubmit: (form: Pick<RegisterWithInvitationRequest, 'name' | 'password'>) => void;
}

function RegisterForm({ invitation, pending, error, onSubmit }: RegisterFormProps) {
  const { form, bind } = useTextForm({ name: '', password: '' });
  const fields = fieldErrors(error);
  return (
    <form
      className="form"
      aria-label="Create your account"
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit({ name: form.name.trim(), password: form.password });
      }}
    >
      <p className="form__context">
        Create the account for <strong>{invitation.email}</strong> to join.
      </p>
      <TextField label="Name" autoComplete="name" required maxLength={100} autoFocus {...bind('name')} error={fields.name} />
      <NewPasswordField {...bind('password')} error={fields.password} />
      <FormFailure error={error} fields={REGISTER_FIELDS} />
      <button type="submit" className="button button--block" disabled={pending}>
        {pending ? 'Creating account…' : 'Create account and join'}
      </button>
    </form>
  );
}
