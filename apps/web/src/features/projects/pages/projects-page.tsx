import { useState } from 'react';
import { PageHeader } from '../../../components/page-header';
import { usePageParam } from '../../../components/pagination';
import { whyCannotWrite } from '../../../shared/applications/labels';
import { TeamSection } from '../../../shared/teams/team-section';
import { useCurrentTeam } from '../../../shared/teams/use-current-team';
import { CreateProjectDialog } from '../components/create-project-dialog';
import { ProjectsTable } from '../components/projects-table';
import '../projects.css';
import { Button } from '../../../components/button';

export function ProjectsPage() {
  const { current } = useCurrentTeam();
  const [page, setPage] = usePageParam();
  const [creating, setCreating] = useState(false);
  const refusal = current ? whyCannotWrite(current.role) : undefined;

  return (
    <>
      <PageHeader
        title="Projects"
        description="Applications, grouped by product and environment."
        actions={
          current && (
            <Button plus refusal={refusal} onClick={() => setCreating(true)}>
              Create project
            </Button>
          )
        }
      />
      {refusal && <p className="projects__notice">{refusal}. You can see the projects but not change them.</p>}
      <TeamSection className="projects" label="Projects" noTeam="Join or create a team to create projects in it.">
        {(team) => <ProjectsTable teamId={team.teamId} page={page} onPageChange={setPage} onCreate={refusal ? undefined : () => setCreating(true)} />}
      </TeamSection>
      {creating && current && <CreateProjectDialog teamId={current.teamId} onClose={() => setCreating(false)} />}
    </>
  );
}
