import type { InvitationDto, TeamMembershipDto } from '@zpanel/contracts';
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { ErrorState } from '../../../components/error-state';
import { Pagination } from '../../../components/pagination';
import { Skeleton } from '../../../components/skeleton';
import { StatusBadge } from '../../../components/status-badge';
import { dateTime } from '../../../lib/format';
import { ROLE_LABELS } from '../../../shared/teams/labels';
import { INVITATION_STATUS, roughlyFromNow } from '../labels';
import { useRevokeInvitation } from '../mutations';
import { INVITATIONS_PER_PAGE, useInvitations } from '../queries';

interface InvitationsTableProps {
  team: TeamMembershipDto;
}

/** The team's invitations, newest first (owners and admins only). */
export function InvitationsTable({ team }: InvitationsTableProps) {
  const [page, setPage] = useState(1);
  const invitations = useInvitations(team.teamId, page);
  const revoke = useRevokeInvitation(team.teamId);
  const [revoking, setRevoking] = useState<InvitationDto>();

  if (invitations.isPending) return <Skeleton lines={3} />;
  if (invitations.isError) return <ErrorState error={invitations.error} />;
  const { items, total, perPage } = invitations.data;
  if (items.length === 0) {
    return (
      <div className="empty-state">
        {page > 1 ? (
          <>
            Nothing on this page any more.{' '}
            <button type="button" className="link-button" onClick={() => setPage(1)}>
              Back to the first page
            </button>
          </>
        ) : (
          'No invitations yet. Invite someone by email: they get a link to join this team.'
        )}
      </div>
    );
  }

  return (
    <>
      <div className="table-scroll">
        <table className="table" aria-label="Invitations">
          <thead>
            <tr>
              <th>Email</th>
              <th>Role</th>
              <th>Status</th>
              <th>Invited by</th>
              <th>Expires</th>
              <th>
                <span className="members-sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((invitation) => {
              const status = INVITATION_STATUS[invitation.status];
              const pending = invitation.status === 'pending';
              return (
                <tr key={invitation.id} data-testid={`invitation-${invitation.email}`}>
                  <td>{invitation.email}</td>
                  <td>{ROLE_LABELS[invitation.role]}</td>
                  <td>
                    <StatusBadge tone={status.tone}>{status.label}</StatusBadge>
                  </td>
                  <td className="muted members-nowrap">{invitation.invitedBy?.name ?? '—'}</td>
                  {/* Used and revoked invitations no longer expire. */}
                  {pending || invitation.status === 'expired' ? (
                    <td className="muted members-nowrap" title={dateTime(invitation.expiresAt)}>
                      {roughlyFromNow(invitation.expiresAt)}
                    </td>
                  ) : (
                    <td className="muted">—</td>
                  )}
                  <td className="members-actions">
                    {pending && (
                      <button
                        type="button"
                        className="button button--secondary button--small"
                        aria-label={`Revoke the invitation of ${invitation.email}`}
                        onClick={() => {
                          revoke.reset();
                          setRevoking(invitation);
                        }}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <Pagination label="Invitation pages" page={page} perPage={perPage || INVITATIONS_PER_PAGE} total={total} onPageChange={setPage} />
      {revoking && (
        <ConfirmDialog
          title="Revoke this invitation?"
          description={`The link sent to ${revoking.email} stops working at once. You can invite them again later.`}
          confirmLabel="Revoke invitation"
          pendingLabel="Revoking…"
          pending={revoke.isPending}
          error={revoke.error}
          onConfirm={() => revoke.mutate(revoking.id, { onSuccess: () => setRevoking(undefined) })}
          onClose={() => setRevoking(undefined)}
        />
      )}
    </>
  );
}
