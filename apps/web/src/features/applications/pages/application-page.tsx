import { Link, NavLink, Outlet, useParams } from 'react-router';
import { ErrorState } from '../../../components/error-state';
import { PageHeader } from '../../../components/page-header';
import { Skeleton } from '../../../components/skeleton';
import { DeployButton } from '../../deployments/components/deploy-button';
import { useEnvironments, useProject } from '../../projects/queries';
import { useServer } from '../../servers/queries';
import { useCurrentTeam } from '../../teams/use-current-team';
import { APPLICATION_TABS, type ApplicationOutletContext } from '../application-outlet';
import { whyCannotDeploy, whyCannotWrite } from '../labels';
import { useApplication } from '../queries';
import '../applications.css';

/** An application: where it lives, a Deploy button, and its sections as tabs (nested routes). */
export function ApplicationPage() {
  const { applicationId = '' } = useParams();
  const { current } = useCurrentTeam();
  const teamId = current?.teamId ?? '';
  const application = useApplication(teamId, current ? applicationId : undefined);
  const projectId = application.data?.projectId;
  const project = useProject(teamId, projectId);
  const environments = useEnvironments(teamId, projectId);
  const server = useServer(teamId, application.data?.serverId);

  if (!current || application.isPending) {
    return (
      <>
        <PageHeader title="Application" />
        <section className="panel">
          <Skeleton lines={4} />
        </section>
      </>
    );
  }
  if (application.isError) {
    return (
      <>
        <PageHeader title="Application" />
        <section className="panel">
          <ErrorState error={application.error} />
          <p>
            <Link to="/projects">Back to projects</Link>
          </p>
        </section>
      </>
    );
  }

  const app = application.data;
  const environment = environments.data?.items.find((e) => e.id === app.environmentId);
  const writeRefusal = whyCannotWrite(current.role);
  const deployRefusal = whyCannotDeploy(current.role);

  return (
    <>
      <nav className="applications__breadcrumbs" aria-label="Breadcrumbs">
        <Link to="/projects">Projects</Link>
        <span aria-hidden="true">/</span>
        <Link to={`/projects/${app.projectId}`}>{project.data?.name ?? 'Project'}</Link>
        <span aria-hidden="true">/</span>
        <Link to={`/projects/${app.projectId}?environment=${app.environmentId}`}>{environment?.name ?? 'Environment'}</Link>
      </nav>
      <PageHeader
        title={app.name}
        description={[app.description, server.data ? `on ${server.data.name}` : undefined].filter(Boolean).join(' · ') || undefined}
        actions={<DeployButton teamId={teamId} application={app} refusal={deployRefusal} />}
      />
      {writeRefusal && (
        <p className="applications__notice">
          {writeRefusal}. You can see this application but not change it{deployRefusal ? ' or deploy it' : ''}.
        </p>
      )}
      <nav className="app-tabs" aria-label="Application sections">
        {APPLICATION_TABS.map((tab) => (
          <NavLink key={tab.path} to={tab.path} end={tab.end} className={({ isActive }) => (isActive ? 'app-tabs__tab app-tabs__tab--active' : 'app-tabs__tab')}>
            {tab.label}
          </NavLink>
        ))}
      </nav>
      <Outlet context={{ application: app, teamId, role: current.role, writeRefusal, deployRefusal } satisfies ApplicationOutletContext} />
    </>
  );
}
