import { useState } from 'react';
import { PageHeader } from '../../../components/page-header';
import { usePageParam } from '../../../components/pagination';
import { useTeamServerEvents } from '../../../shared/metrics/use-server-events';
import { TeamSection } from '../../../shared/teams/team-section';
import { useCurrentTeam } from '../../../shared/teams/use-current-team';
import { AddServerWizard } from '../components/add-server-wizard';
import { ServersTable } from '../components/servers-table';
import { SshKeysSection } from '../components/ssh-keys-section';
import { whyCannotManageServers } from '../../../shared/servers/labels';
import '../servers.css';
import { Button } from '../../../components/button';

export function ServersPage() {
  const { current } = useCurrentTeam();
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
            <Button plus refusal={refusal} onClick={() => setAdding(true)}>
              Add server
            </Button>
          )
        }
      />
      {refusal && <p className="servers__notice">{refusal}. You can see the servers but not change them.</p>}
      <TeamSection className="servers" label="Servers" noTeam="Join or create a team to add servers to it.">
        {(team) => <ServersTable teamId={team.teamId} page={page} onPageChange={setPage} onAdd={refusal ? undefined : () => setAdding(true)} />}
      </TeamSection>
      {current && <SshKeysSection teamId={current.teamId} refusal={refusal} />}
      {adding && current && <AddServerWizard teamId={current.teamId} onClose={() => setAdding(false)} />}
    </>
  );
}
