import type { InvitationDto, TeamMembershipDto } from '@zpanel/contracts';
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { PagedTable, type TableShape } from '../../../components/data-table';
import { EmptyPage } from '../../../components/pagination';
import { StatusBadge } from '../../../components/status-badge';
import { dateTime } from '../../../lib/format';
import { ROLE_LABELS } from '../../../shared/teams/labels';
import { INVITATION_STATUS, roughlyFromNow } from '../labels';
import { useRevokeInvitation } from '../mutations';
import { INVITATIONS_PER_PAGE, useInvitations } from '../queries';

interface InvitationsTableProps {
  team: TeamMembershipDto;
}

const TABLE: TableShape = {
  label: 'Invitations',
  columns: ['Email', 'Role', 'Status', 'Invited by', 'Expires', { title: 'Actions', hidden: true }],
};

/** The team's invitations, newest first (owners and admins only). */
export function InvitationsTable({ team }: InvitationsTableProps) {
  const [page, setPage] = useState(1);
  const invitations = useInvitations(team.teamId, page);
  const revoke = useRevokeInvitation(team.teamId);
  const [revoking, setRevoking] = useState<InvitationDto>();

  const empty =
    page > 1 ? (
      <EmptyPage onPageChange={setPage} text="Nothing on this page any more." action="Back to the first page" />
    ) : (
      <div className="empty-state">No invitations yet. Invite someone by email: they get a link to join this team.</div>
    );

  return (
    <>
      <PagedTable
        query={invitations}
        table={TABLE}
        paging={{ page, onPageChange: setPage, perPage: INVITATIONS_PER_PAGE, label: 'Invitation pages' }}
        empty={empty}
        emptyPage={empty}
      >
        {(invitation) => {
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
        }}
      </PagedTable>
      {revoking && (
        <ConfirmDialog
          title="Revoke this invitation?"
          description={`The link sent to ${revoking.email} stops working at once. You can invite them again later.`}
          confirmLabel="Revoke invitation"
          pendingLabel="Revoking…"
          submission={revoke}
          onConfirm={() => revoke.mutate(revoking.id, { onSuccess: () => setRevoking(undefined) })}
          onClose={() => setRevoking(undefined)}
        />
      )}
    </>
  );
}
