import { useState } from 'react';
import { ErrorState } from '../../../components/error-state';
import { PlusIcon } from '../../../components/icons';
import { PageHeader } from '../../../components/page-header';
import { usePageParam } from '../../../components/pagination';
import { Skeleton } from '../../../components/skeleton';
import { useTeamServerEvents } from '../../../shared/metrics/use-server-events';
import { useCurrentTeam } from '../../../shared/teams/use-current-team';
import { AddServerWizard } from '../components/add-server-wizard';
import { ServersTable } from '../components/servers-table';
import { SshKeysSection } from '../components/ssh-keys-section';
import { whyCannotManageServers } from '../../../shared/servers/labels';
import '../servers.css';
import { Button } from '../../../components/button';

export function ServersPage() {
  const { me, current } = useCurrentTeam();
  const [page, setPage] = usePageParam();
  const [adding, setAdding] = useState(false);
  const refusal = current ? whyCannotManageServers(current.role) : undefined;
  // Status changes and alerts of the team's servers update the list's badges as they happen.
  useTeamServerEvents(current?.teamId);

  return (
    <>
      <PageHeader
        title="Servers"
        description="The machines Zpanel deploys to, reached over SSH with a key of the team."
        actions={
          current && (
            <Button refusal={refusal} onClick={() => setAdding(true)}>
              <PlusIcon />
              Add server
            </Button>
          )
        }
      />
      {refusal && <p className="servers__notice">{refusal}. You can see the servers but not change them.</p>}
      <section className="panel servers" aria-label="Servers">
        {me.isPending && <Skeleton lines={3} />}
        {me.isError && <ErrorState error={me.error} />}
        {me.isSuccess && !current && <div className="empty-state">Join or create a team to add servers to it.</div>}
        {current && <ServersTable teamId={current.teamId} page={page} onPageChange={setPage} onAdd={refusal ? undefined : () => setAdding(true)} />}
      </section>
      {current && <SshKeysSection teamId={current.teamId} refusal={refusal} />}
      {adding && current && <AddServerWizard teamId={current.teamId} onClose={() => setAdding(false)} />}
    </>
  );
}
