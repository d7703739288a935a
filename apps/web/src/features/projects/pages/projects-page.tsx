import { useState } from 'react';
import { ErrorState } from '../../../components/error-state';
import { PlusIcon } from '../../../components/icons';
import { PageHeader } from '../../../components/page-header';
import { usePageParam } from '../../../components/pagination';
import { Skeleton } from '../../../components/skeleton';
import { whyCannotWrite } from '../../../shared/applications/labels';
import { useCurrentTeam } from '../../../shared/teams/use-current-team';
import { CreateProjectDialog } from '../components/create-project-dialog';
import { ProjectsTable } from '../components/projects-table';
import '../projects.css';
import { Button } from '../../../components/button';

export function ProjectsPage() {
  const { me, current } = useCurrentTeam();
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
            <Button refusal={refusal} onClick={() => setCreating(true)}>
              <PlusIcon />
              Create project
            </Button>
          )
        }
      />
      {refusal && <p className="projects__notice">{refusal}. You can see the projects but not change them.</p>}
      <section className="panel projects" aria-label="Projects">
        {me.isPending && <Skeleton lines={3} />}
        {me.isError && <ErrorState error={me.error} />}
        {me.isSuccess && !current && <div className="empty-state">Join or create a team to create projects in it.</div>}
        {current && (
          <ProjectsTable teamId={current.teamId} page={page} onPageChange={setPage} onCreate={refusal ? undefined : () => setCreating(true)} />
        )}
      </section>
      {creating && current && <CreateProjectDialog teamId={current.teamId} onClose={() => setCreating(false)} />}
    </>
  );
}
