import { usePageParam } from '../../../components/pagination';
import { DeploymentsTable } from '../components/deployments-table';
import { useApplicationOutlet } from '../../../shared/applications/application-outlet';

export function ApplicationDeploymentsTab() {
  const { application, teamId, deployRefusal } = useApplicationOutlet();
  const [page, setPage] = usePageParam();
  return (
    <section className="panel" aria-label="Deployments">
      <DeploymentsTable
        teamId={teamId}
        applicationId={application.id}
        page={page}
        onPageChange={setPage}
        refusal={deployRefusal}
        empty={<p>No deployments yet. Press Deploy to build and start {application.name}.</p>}
      />
    </section>
  );
}
