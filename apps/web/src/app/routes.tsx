import type { RouteObject } from 'react-router';
import { ApiTokensPage } from '../features/api-tokens/pages/api-tokens-page';
import { ApplicationDangerTab } from '../features/applications/pages/application-danger-tab';
import { ApplicationDeploymentTab } from '../features/applications/pages/application-deployment-tab';
import { ApplicationDeploymentsTab } from '../features/applications/pages/application-deployments-tab';
import { ApplicationDomainsTab } from '../features/applications/pages/application-domains-tab';
import { ApplicationWebhooksTab } from '../features/applications/pages/application-webhooks-tab';
import { ApplicationEnvironmentTab } from '../features/applications/pages/application-environment-tab';
import { ApplicationHealthCheckTab } from '../features/applications/pages/application-health-check-tab';
import { ApplicationOverviewTab } from '../features/applications/pages/application-overview-tab';
import { ApplicationPage } from '../features/applications/pages/application-page';
import { ApplicationPreviewsTab } from '../features/applications/pages/application-previews-tab';
import { ApplicationSettingsTab } from '../features/applications/pages/application-settings-tab';
import { NewApplicationPage } from '../features/applications/pages/new-application-page';
import { AuditPage } from '../features/audit/pages/audit-page';
import { RequireSession } from '../features/auth/components/require-session';
import { SessionRoot } from '../features/auth/components/session-root';
import { LoginPage } from '../features/auth/pages/login-page';
import { ProfilePage } from '../features/auth/pages/profile-page';
import { SetupPage } from '../features/auth/pages/setup-page';
import { AcceptInvitationPage } from '../features/members/pages/accept-invitation-page';
import { MembersPage } from '../features/members/pages/members-page';
import { ProjectPage } from '../features/projects/pages/project-page';
import { ProjectsPage } from '../features/projects/pages/projects-page';
import { ServerAlertsTab } from '../features/servers/pages/server-alerts-tab';
import { ServerConsoleTab } from '../features/servers/pages/server-console-tab';
import { ServerContainersTab } from '../features/servers/pages/server-containers-tab';
import { ServerDetailPage } from '../features/servers/pages/server-detail-page';
import { ServerOverviewTab } from '../features/servers/pages/server-overview-tab';
import { ServersPage } from '../features/servers/pages/servers-page';
import { OverviewPage } from '../features/system/pages/overview-page';
import { SystemPage } from '../features/system/pages/system-page';
import { AppShell } from './app-shell';
import { NotFoundPage } from './not-found-page';

/** Shared by the browser router and the memory routers of the specs. */
export const routes: RouteObject[] = [
  {
    element: <SessionRoot />,
    children: [
      { path: 'setup', element: <SetupPage /> },
      { path: 'login', element: <LoginPage /> },
      // Public: an invitation link is opened signed out as often as signed in.
      { path: 'invitations/accept', element: <AcceptInvitationPage /> },
      {
        // Everything else needs a signed-in user.
        path: '/',
        element: (
          <RequireSession>
            <AppShell />
          </RequireSession>
        ),
        children: [
          { index: true, element: <OverviewPage /> },
          { path: 'system', element: <SystemPage /> },
          { path: 'profile', element: <ProfilePage /> },
          { path: 'servers', element: <ServersPage /> },
          {
            path: 'servers/:serverId',
            element: <ServerDetailPage />,
            children: [
              { index: true, element: <ServerOverviewTab /> },
              { path: 'containers', element: <ServerContainersTab /> },
              { path: 'console', element: <ServerConsoleTab /> },
              { path: 'alerts', element: <ServerAlertsTab /> },
            ],
          },
          { path: 'projects', element: <ProjectsPage /> },
          { path: 'projects/:projectId', element: <ProjectPage /> },
          { path: 'projects/:projectId/applications/new', element: <NewApplicationPage /> },
          {
            path: 'applications/:applicationId',
            element: <ApplicationPage />,
            children: [
              { index: true, element: <ApplicationOverviewTab /> },
              { path: 'deployments', element: <ApplicationDeploymentsTab /> },
              { path: 'deployments/:deploymentId', element: <ApplicationDeploymentTab /> },
              { path: 'environment', element: <ApplicationEnvironmentTab /> },
              { path: 'domains', element: <ApplicationDomainsTab /> },
              { path: 'health-check', element: <ApplicationHealthCheckTab /> },
              { path: 'webhooks', element: <ApplicationWebhooksTab /> },
              { path: 'previews', element: <ApplicationPreviewsTab /> },
              { path: 'settings', element: <ApplicationSettingsTab /> },
              { path: 'danger', element: <ApplicationDangerTab /> },
            ],
          },
          { path: 'team/members', element: <MembersPage /> },
          { path: 'team/api-tokens', element: <ApiTokensPage /> },
          { path: 'team/audit', element: <AuditPage /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
];
