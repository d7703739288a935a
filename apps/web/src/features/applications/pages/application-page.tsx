import { Link, NavLink, Outlet, useMatch, useParams } from 'react-router';
import { PageHeader } from '../../../components/page-header';
import { DeployButton } from '../../../shared/deployments/components/deploy-button';
import { useEnvironments, useProject } from '../../../shared/projects/queries';
import { useServer } from '../../../shared/servers/queries';
import { useCurrentTeam } from '../../../shared/teams/use-current-team';
import { APPLICATION_TABS, type ApplicationOutletContext } from '../../../shared/applications/application-outlet';
import { PendingRedeployBanner } from '../components/pending-redeploy-banner';
import { PreviewBanner } from '../components/preview-banner';
import { whyCannotDeploy, whyCannotWrite } from '../../../shared/applications/labels';
import { useApplication } from '../../../shared/applications/queries';
import '../../../shared/applications/applications.css';
import { PagePlaceholder } from '../../../components/page-placeholder';

/** The tabs a preview keeps: what it runs and its deployments; its settings are the previewed application's. */
const PREVIEW_TABS = APPLICATION_TABS.filter((tab) => tab.inPreview);

/**
 * An application: where it lives, a Deploy button, and its sections as tabs (nested routes). A
 * preview's page says which application and pull request it previews, and shows only its overview
 * and deployments.
 */
export function ApplicationPage() {
  const { applicationId = '' } = useParams();
  const section = useMatch('/applications/:applicationId/:section/*')?.params.section ?? '';
  const { current } = useCurrentTeam();
  const teamId = current?.teamId ?? '';
  const application = useApplication(teamId, current ? applicationId : undefined);
  const projectId = application.data?.projectId;
  const project = useProject(teamId, projectId);
  const environments = useEnvironments(teamId, projectId);
  const server = useServer(teamId, application.data?.serverId);
  const previewOf = application.data?.previewOf ?? null;
  const parent = useApplication(teamId, previewOf?.applicationId);

  if (!current || application.isPending) return <PagePlaceholder title="Application" />;
  if (application.isError) {
    return <PagePlaceholder title="Application" failure={{ error: application.error, backTo: '/projects', backLabel: 'Back to projects' }} />;
  }

  const app = application.data;
  const environment = environments.data?.items.find((e) => e.id === app.environmentId);
  const roleRefusal = whyCannotWrite(current.role);
  const deployRefusal = whyCannotDeploy(current.role);
  const writeRefusal = roleRefusal ?? (previewOf ? 'A preview’s settings follow the application it previews' : undefined);
  const tabs = previewOf ? PREVIEW_TABS : APPLICATION_TABS;
  const hiddenSection = previewOf !== null && !tabs.some((tab) => tab.path === section);

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
      {previewOf && <PreviewBanner previewOf={previewOf} parent={parent.data} />}
      {app.pendingRedeploy && <PendingRedeployBanner teamId={teamId} application={app} pending={app.pendingRedeploy} deployRefusal={deployRefusal} />}
      {roleRefusal && (
        <p className="applications__notice">
          {roleRefusal}. You can see this application but not change it{deployRefusal ? ' or deploy it' : ''}.
        </p>
      )}
      <nav className="app-tabs" aria-label="Application sections">
        {tabs.map((tab) => (
          <NavLink
            key={tab.path}
            to={tab.path}
            end={tab.end}
            className={({ isActive }) => (isActive ? 'app-tabs__tab app-tabs__tab--active' : 'app-tabs__tab')}
          >
            {tab.label}
          </NavLink>
        ))}
      </nav>
      {hiddenSection ? (
        <section className="panel panel--padded" data-testid="preview-section-hidden">
          <p>
            A preview has no settings of its own: they follow{' '}
            <Link to={`/applications/${previewOf.applicationId}`}>{parent.data?.name ?? 'the application it previews'}</Link>.
          </p>
          <p>
            <Link to={`/applications/${app.id}`}>Back to the preview&apos;s overview</Link>
          </p>
        </section>
      ) : (
        <Outlet context={{ application: app, teamId, role: current.role, writeRefusal, deployRefusal } satisfies ApplicationOutletContext} />
      )}
    </>
  );
}
