import { type ChangePasswordRequest, ErrorCode } from '@zpanel/contracts';
import { type ReactNode, useState } from 'react';
import { ErrorState } from '../../../components/error-state';
import { FormFailure } from '../../../components/form-failure';
import { PageHeader } from '../../../components/page-header';
import { Skeleton } from '../../../components/skeleton';
import { StatusBadge } from '../../../components/status-badge';
import { useTextForm } from '../../../components/field';
import { NewPasswordField, PasswordField, TextField } from '../../../components/text-field';
import { ApiError, fieldErrors } from '../../../lib/api-client';
import { dateTime } from '../../../lib/format';
import { ROLE_LABELS } from '../../../shared/teams/labels';
import { useChangePassword } from '../../../shared/session/mutations';
import { useMe } from '../../../shared/session/queries';

/** The router passes the two-factor card in, so the auth feature does not import the two-factor feature. */
export function ProfilePage({ twoFactor }: { twoFactor?: ReactNode }) {
  return (
    <>
      <PageHeader title="Profile" description="Your account and how you sign in." />
      <div className="stack">
        <AccountCard />
        {twoFactor}
        <ChangePasswordCard />
      </div>
    </>
  );
}

function AccountCard() {
  const me = useMe();
  return (
    <article className="card" data-testid="account-card">
      <h2 className="card__title">Account</h2>
      {me.isPending && <Skeleton lines={3} />}
      {me.isError && <ErrorState error={me.error} />}
      {me.isSuccess && (
        <dl className="facts">
          <dt>Name</dt>
          <dd>{me.data.user.name}</dd>
          <dt>Email</dt>
          <dd>{me.data.user.email}</dd>
          <dt>Two-factor</dt>
          <dd>
            <StatusBadge tone={me.data.user.twoFactorEnabled ? 'ok' : 'neutral'}>{me.data.user.twoFactorEnabled ? 'On' : 'Off'}</StatusBadge>
          </dd>
          <dt>Teams</dt>
          <dd>{me.data.teams.length === 0 ? 'None yet' : me.data.teams.map((team) => `${team.teamName} (${ROLE_LABELS[team.role]})`).join(', ')}</dd>
          <dt>Member since</dt>
          <dd>{dateTime(me.data.user.createdAt)}</dd>
        </dl>
      )}
    </article>
  );
}

const EMPTY_FORM = { currentPassword: '', newPassword: '', confirmation: '' };
const FIELDS: readonly (keyof ChangePasswordRequest)[] = ['currentPassword', 'newPassword'];

function ChangePasswordCard() {
  const changePassword = useChangePassword();
  const [mismatch, setMismatch] = useState(false);
  const { form, setForm, bind } = useTextForm(EMPTY_FORM, () => {
    setMismatch(false);
    if (changePassword.isSuccess) changePassword.reset();
  });

  const submit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (form.newPassword !== form.confirmation) {
      setMismatch(true);
      return;
    }
    changePassword.mutate({ currentPassword: form.currentPassword, newPassword: form.newPassword }, { onSuccess: () => setForm(EMPTY_FORM) });
  };

  const fields = fieldErrors(changePassword.error);
  const wrongCurrent = changePassword.error instanceof ApiError && changePassword.error.code === ErrorCode.InvalidCredentials;

  return (
    <article className="card" data-testid="change-password-card">
      <h2 className="card__title">Change password</h2>
      <form className="form form--narrow" onSubmit={submit} aria-label="Change password">
        <PasswordField
          label="Current password"
          {...bind('currentPassword')}
          error={wrongCurrent ? 'The current password is wrong.' : fields.currentPassword}
        />
        <NewPasswordField label="New password" {...bind('newPassword')} error={fields.newPassword} />
        <TextField
          label="Confirm new password"
          type="password"
          autoComplete="new-password"
          required
          {...bind('confirmation')}
          error={mismatch ? 'The passwords do not match.' : undefined}
        />
        {!wrongCurrent && <FormFailure error={changePassword.error} fields={FIELDS} />}
        {changePassword.isSuccess && (
          <p className="form__success" role="status">
            Password changed. Your other sessions were signed out; this one stays signed in.
          </p>
        )}
        <div className="form__actions">
          <button type="submit" className="button" disabled={changePassword.isPending}>
            {changePassword.isPending ? 'Changing…' : 'Change password'}
          </button>
        </div>
      </form>
    </article>
  );
}
