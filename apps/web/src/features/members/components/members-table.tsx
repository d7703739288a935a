import type { Role, TeamMemberDto, TeamMembershipDto } from '@zpanel/contracts';
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { DataTable } from '../../../components/data-table';
import { ErrorState } from '../../../components/error-state';
import { EmptyPage, Pagination } from '../../../components/pagination';
import { Skeleton } from '../../../components/skeleton';
import { StatusBadge } from '../../../components/status-badge';
import { ApiError } from '../../../lib/api-client';
import { dateTime } from '../../../lib/format';
import { ROLE_LABELS } from '../../../shared/teams/labels';
import { calendarDate } from '../labels';
import { useChangeMemberRole, useRemoveMember } from '../mutations';
import { isSelfDemotion, isTeamAdmin, ROLES_STRONGEST_FIRST, whyCannotChangeRole, whyCannotGrant, whyCannotRemove } from '../permissions';
import { MEMBERS_PER_PAGE, useMembers } from '../queries';
import { LeaveTeamDialog } from './leave-team-dialog';

interface MembersTableProps {
  team: TeamMembershipDto;
  ownUserId: string;
  onLeft: () => void;
}

type Pending = { kind: 'remove'; member: TeamMemberDto } | { kind: 'leave' } | { kind: 'demote-self'; role: Role };

export function MembersTable({ team, ownUserId, onLeft }: MembersTableProps) {
  const [page, setPage] = useState(1);
  const members = useMembers(team.teamId, page);
  const changeRole = useChangeMemberRole(team.teamId);
  const remove = useRemoveMember(team.teamId);
  const [pending, setPending] = useState<Pending>();
  const actor = team.role;
  // Owners and admins see who still signs in with a password alone.
  const showsTwoFactor = isTeamAdmin(actor);

  if (members.isPending) return <Skeleton lines={4} />;
  if (members.isError) return <ErrorState error={members.error} />;
  const { items, total, perPage } = members.data;
  if (items.length === 0) {
    return page > 1 ? (
      <EmptyPage onPageChange={setPage} text="Nobody on this page any more." action="Back to the first page" />
    ) : (
      <div className="empty-state">This team has no members.</div>
    );
  }

  const submitRole = (member: TeamMemberDto, role: Role) => {
    if (member.userId === ownUserId && isSelfDemotion(member.role, role)) {
      setPending({ kind: 'demote-self', role });
      return;
    }
    changeRole.mutate({ userId: member.userId, role });
  };
  const withoutTwoFactor = items.filter((member) => !member.twoFactorEnabled).length;
  const failedMember = changeRole.isError ? items.find((member) => member.userId === changeRole.variables.userId) : undefined;

  return (
    <>
      {changeRole.isError && pending?.kind !== 'demote-self' && (
        <div className="form__error members-alert" role="alert" data-testid="role-change-error">
          Could not change the role of {failedMember?.name ?? 'this member'}: {problemText(changeRole.error)}
          <button type="button" className="link-button members-alert__dismiss" onClick={() => changeRole.reset()}>
            Dismiss
          </button>
        </div>
      )}
      {showsTwoFactor && withoutTwoFactor > 0 && (
        <p className="members-note" data-testid="two-factor-note">
          {withoutTwoFactor === 1 ? '1 member on this page signs' : `${withoutTwoFactor} members on this page sign`} in without two-factor
          authentication.
        </p>
      )}
      <DataTable
        label="Members"
        className="members-table"
        columns={['Name', 'Email', 'Role', showsTwoFactor && 'Two-factor', 'Joined', { title: 'Actions', hidden: true }]}
        items={items}
      >
        {(member) => {
          const self = member.userId === ownUserId;
          const roleRefusal = whyCannotChangeRole(actor, member);
          const removeRefusal = whyCannotRemove(actor, member);
          return (
            <tr key={member.userId} data-testid={`member-${member.email}`}>
              <td>
                {member.name}
                {self && <span className="tag members-you">You</span>}
              </td>
              <td className="muted members-nowrap">{member.email}</td>
              <td>
                <select
                  className="input members-select members-select--compact"
                  aria-label={`Role of ${member.name}`}
                  value={member.role}
                  disabled={roleRefusal !== undefined || (changeRole.isPending && changeRole.variables.userId === member.userId)}
                  title={roleRefusal}
                  onChange={(event) => submitRole(member, event.target.value as Role)}
                >
                  {ROLES_STRONGEST_FIRST.map((role) => (
                    <option key={role} value={role} disabled={role !== member.role && whyCannotGrant(actor, role) !== undefined}>
                      {ROLE_LABELS[role]}
                    </option>
                  ))}
                </select>
              </td>
              {showsTwoFactor && (
                <td>
                  <StatusBadge tone={member.twoFactorEnabled ? 'ok' : 'warn'}>{member.twoFactorEnabled ? 'On' : 'Off'}</StatusBadge>
                </td>
              )}
              <td title={dateTime(member.joinedAt)}>{calendarDate(member.joinedAt)}</td>
              <td className="members-actions">
                {self ? (
                  <button type="button" className="button button--secondary button--small" onClick={() => setPending({ kind: 'leave' })}>
                    Leave team
                  </button>
                ) : (
                  <button
                    type="button"
                    className="button button--secondary button--small members-refused"
                    aria-label={`Remove ${member.name}`}
                    disabled={removeRefusal !== undefined}
                    title={removeRefusal}
                    onClick={() => {
                      remove.reset();
                      setPending({ kind: 'remove', member });
                    }}
                  >
                    Remove
                  </button>
                )}
              </td>
            </tr>
          );
        }}
      </DataTable>
      <Pagination label="Member pages" page={page} perPage={perPage || MEMBERS_PER_PAGE} total={total} onPageChange={setPage} />

      {pending?.kind === 'remove' && (
        <ConfirmDialog
          title={`Remove ${pending.member.name}?`}
          description={`${pending.member.name} (${pending.member.email}) loses access to ${team.teamName} at once. To bring them back, invite them again.`}
          confirmLabel="Remove member"
          pendingLabel="Removing…"
          submission={remove}
          onConfirm={() => remove.mutate(pending.member.userId, { onSuccess: () => setPending(undefined) })}
          onClose={() => setPending(undefined)}
        />
      )}
      {pending?.kind === 'demote-self' && (
        <ConfirmDialog
          title={`Make yourself ${ROLE_LABELS[pending.role].toLowerCase()}?`}
          description={`You are ${ROLE_LABELS[actor].toLowerCase()} of ${team.teamName}. As ${ROLE_LABELS[pending.role].toLowerCase()} you cannot undo this yourself: someone else would have to give the role back.`}
          confirmLabel="Change my role"
          pendingLabel="Changing…"
          submission={changeRole}
          onConfirm={() => changeRole.mutate({ userId: ownUserId, role: pending.role }, { onSuccess: () => setPending(undefined) })}
          onClose={() => {
            changeRole.reset();
            setPending(undefined);
          }}
        />
      )}
      {pending?.kind === 'leave' && <LeaveTeamDialog team={team} ownUserId={ownUserId} onLeft={onLeft} onClose={() => setPending(undefined)} />}
    </>
  );
}

/** The API's own words: for a refused change they say what to do instead. */
function problemText(error: unknown): string {
  if (error instanceof ApiError) return error.detail ?? error.title;
  return error instanceof Error ? error.message : String(error);
}
