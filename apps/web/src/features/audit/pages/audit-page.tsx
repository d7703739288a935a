import { Ability, ROLE_ABILITIES, type TeamMembershipDto } from '@zpanel/contracts';
import { useSearchParams } from 'react-router';
import { ErrorState } from '../../../components/error-state';
import { PageHeader } from '../../../components/page-header';
import { EmptyPage, Pagination, usePageParam } from '../../../components/pagination';
import { Skeleton } from '../../../components/skeleton';
import { useSessionStore } from '../../../lib/session-store';
import { ROLE_LABELS } from '../../../shared/teams/labels';
import { useCurrentTeam } from '../../../shared/teams/use-current-team';
import { AuditEventTable } from '../components/audit-event-table';
import { AuditFilters } from '../components/audit-filters';
import { type AuditFilters as Filters, auditQueryFromFilters, filtersFromParams, hasFilters } from '../filters';
import { AUDIT_EVENTS_PER_PAGE, useAuditEvents } from '../queries';
import '../audit.css';

const DESCRIPTION = "Who did what in the team, and its members' sign-ins and two-factor changes, newest first.";

export function AuditPage() {
  const { me, current } = useCurrentTeam();

  return (
    <>
      <PageHeader title="Audit log" description={DESCRIPTION} />
      {me.isPending && <Skeleton lines={4} />}
      {me.isError && <ErrorState error={me.error} />}
      {me.isSuccess && !current && <div className="empty-state">Join or create a team to see its audit log.</div>}
      {current && (ROLE_ABILITIES[current.role].includes(Ability.Admin) ? <AuditLog team={current} /> : <NotAnAdmin team={current} />)}
    </>
  );
}

function NotAnAdmin({ team }: { team: TeamMembershipDto }) {
  return (
    <div className="empty-state empty-state--page audit-not-admin" data-testid="audit-not-admin">
      <p className="audit-not-admin__title">Only admins can see the audit log</p>
      <p>
        Your role in {team.teamName} is {ROLE_LABELS[team.role]}. The log records sign-ins, two-factor changes and every change to members,
        invitations, API tokens, servers and SSH keys; ask an admin or the owner of the team if you need to see it.
      </p>
    </div>
  );
}

function AuditLog({ team }: { team: TeamMembershipDto }) {
  const [params, setParams] = useSearchParams();
  const [page, setPage] = usePageParam();
  const filters = filtersFromParams(params);
  // Requests name the team in the header the session store holds; wait until it is this one.
  const storeTeamId = useSessionStore((state) => state.teamId);
  const events = useAuditEvents(team.teamId, { ...auditQueryFromFilters(filters), page }, storeTeamId === team.teamId);

  const changeFilters = (next: Filters) =>
    setParams((current) => {
      const updated = new URLSearchParams(current);
      for (const key of ['action', 'from', 'to'] as const) {
        const value = next[key];
        if (value) updated.set(key, value);
        else updated.delete(key);
      }
      // New filters, new result: back to its first page.
      updated.delete('page');
      return updated;
    });

  return (
    <>
      <AuditFilters filters={filters} onChange={changeFilters} />
      <section className="panel audit" aria-label="Audit events" aria-busy={events.isFetching}>
        {events.isPending && <Skeleton lines={4} />}
        {events.isError && <ErrorState error={events.error} />}
        {events.isSuccess && events.data.total === 0 && (
          <div className="empty-state">{hasFilters(filters) ? 'No events match these filters.' : 'No events yet.'}</div>
        )}
        {events.isSuccess && events.data.total > 0 && events.data.items.length === 0 && <EmptyPage onPageChange={setPage} />}
        {events.isSuccess && events.data.items.length > 0 && (
          <>
            <AuditEventTable events={events.data.items} />
            <Pagination
              page={page}
              perPage={events.data.perPage ?? AUDIT_EVENTS_PER_PAGE}
              total={events.data.total}
              onPageChange={setPage}
              label="Audit log pages"
            />
          </>
        )}
      </section>
    </>
  );
}
