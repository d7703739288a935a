import { useState } from 'react';
import { ErrorState } from '../../../components/error-state';
import { PlusIcon } from '../../../components/icons';
import { PageHeader } from '../../../components/page-header';
import { Skeleton } from '../../../components/skeleton';
import { useCurrentTeam } from '../../../shared/teams/use-current-team';
import { InvitationsTable } from '../components/invitations-table';
import { InviteMemberDialog } from '../components/invite-member-dialog';
import { MembersTable } from '../components/members-table';
import { isTeamAdmin, whyCannotInvite } from '../permissions';
import '../members.css';

const TITLE = 'Members';

/** The people of the current team, their roles, and (for owners and admins) its invitations. */
export function MembersPage() {
  const { me, current } = useCurrentTeam();
  const [inviting, setInviting] = useState(false);
  // Set when you leave the team, until the Overview replaces this page.
  const [left, setLeft] = useState(false);

  if (left) return <PageHeader title={TITLE} />;
  if (me.isPending || me.isError) {
    return (
      <>
        <PageHeader title={TITLE} />
        <div className="panel">{me.isPending ? <Skeleton lines={4} /> : <ErrorState error={me.error} />}</div>
      </>
    );
  }
  if (!current) {
    return (
      <>
        <PageHeader title={TITLE} />
        <div className="empty-state empty-state--page">
          <p>You are not in a team yet. Create one from the team switcher, or ask to be invited to one.</p>
        </div>
      </>
    );
  }

  const inviteRefusal = whyCannotInvite(current.role);
  return (
    <>
      <PageHeader
        title={TITLE}
        description={
          isTeamAdmin(current.role)
            ? `People in ${current.teamName} and what they may do.`
            : `People in ${current.teamName} and what they may do. Owners and admins manage them.`
        }
        actions={
          <button
            type="button"
            className="button members-refused"
            disabled={inviteRefusal !== undefined}
            title={inviteRefusal}
            onClick={() => setInviting(true)}
          >
            <PlusIcon />
            Invite member
          </button>
        }
      />
      {/* Keyed by team: a switch starts over on the first page. */}
      <section className="section" key={`members-${current.teamId}`}>
        <h2 className="section__title">People</h2>
        <div className="panel">
          <MembersTable team={current} ownUserId={me.data.user.id} onLeft={() => setLeft(true)} />
        </div>
      </section>
      {isTeamAdmin(current.role) && (
        <section className="section" key={`invitations-${current.teamId}`}>
          <h2 className="section__title">Invitations</h2>
          <div className="panel">
            <InvitationsTable team={current} />
          </div>
        </section>
      )}
      {inviting && (
        <InviteMemberDialog teamId={current.teamId} teamName={current.teamName} actorRole={current.role} onClose={() => setInviting(false)} />
      )}
    </>
  );
}
