import type { RouteObject } from 'react-router';
import { ApiTokensPage } from '../features/api-tokens';
import {
  ApplicationDangerTab,
  ApplicationDomainsTab,
  ApplicationEnvironmentTab,
  ApplicationHealthCheckTab,
  ApplicationOverviewTab,
  ApplicationPage,
  ApplicationSettingsTab,
  NewApplicationPage,
} from '../features/applications';
import { AuditPage } from '../features/audit';
import { DestinationsPage } from '../features/backups';
import { ForgotPasswordPage, LoginPage, ProfilePage, RequireSession, ResetPasswordPage, SessionRoot, SetupPage } from '../features/auth';
import { ServerConsoleTab } from '../features/command-runs';
import { DatabaseLogsTab, ServerContainersTab } from '../features/containers';
import {
  DatabaseBackupsTab,
  DatabaseOperationsTab,
  DatabaseOverviewTab,
  DatabasePage,
  DatabaseSettingsTab,
  EnvironmentDatabases,
} from '../features/databases';
import { ApplicationDeploymentTab, ApplicationDeploymentsTab } from '../features/deployments';
import { AcceptInvitationPage, MembersPage } from '../features/members';
import { DatabaseMetricsTab, ServerAlertsTab, ServerOverviewMetrics } from '../features/metrics';
import { ChannelPage, ChannelsPage, NotificationsPage } from '../features/notifications';
import { ApplicationPreviewsTab } from '../features/previews';
import { ApplicationVolumesTab, ServerVolumesTab, VolumeBackupsTab } from '../features/volumes';
import { ProjectPage, ProjectsPage } from '../features/projects';
import { ServerDetailPage, ServerOverviewTab, ServersPage } from '../features/servers';
import { OverviewPage, SystemPage } from '../features/system';
import { TwoFactorCard } from '../features/two-factor';
import { ApplicationWebhooksTab } from '../features/webhooks';
import { AppShell } from './app-shell';
import { NotFoundPage } from './not-found-page';

/** Shared by the browser router and the memory routers of the specs. */
export const routes: RouteObject[] = [
  {
    element: <SessionRoot />,
    children: [
      { path: 'setup', element: <SetupPage /> },
      { path: 'login', element: <LoginPage /> },
      // Public: a reset link is opened signed out (docs/security.md, "Password reset").
      { path: 'forgot-password', element: <ForgotPasswordPage /> },
      { path: 'reset-password', element: <ResetPasswordPage /> },
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
          { path: 'profile', element: <ProfilePage twoFactor={<TwoFactorCard />} /> },
          { path: 'servers', element: <ServersPage /> },
          {
            path: 'servers/:serverId',
            element: <ServerDetailPage />,
            children: [
              {
                index: true,
                element: (
                  <ServerOverviewTab>
                    <ServerOverviewMetrics />
                  </ServerOverviewTab>
                ),
              },
              { path: 'containers', element: <ServerContainersTab /> },
              { path: 'console', element: <ServerConsoleTab /> },
              { path: 'alerts', element: <ServerAlertsTab /> },
              { path: 'volumes', element: <ServerVolumesTab /> },
            ],
          },
          { path: 'projects', element: <ProjectsPage /> },
          {
            path: 'projects/:projectId',
            element: <ProjectPage environmentPanel={(panel) => <EnvironmentDatabases key={`databases-${panel.environment.id}`} {...panel} />} />,
          },
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
              { path: 'volumes', element: <ApplicationVolumesTab /> },
              { path: 'volumes/:volumeId/backups', element: <VolumeBackupsTab /> },
              { path: 'webhooks', element: <ApplicationWebhooksTab /> },
              { path: 'previews', element: <ApplicationPreviewsTab /> },
              { path: 'settings', element: <ApplicationSettingsTab /> },
              { path: 'danger', element: <ApplicationDangerTab /> },
            ],
          },
          {
            path: 'databases/:databaseId',
            element: <DatabasePage />,
            children: [
              { index: true, element: <DatabaseOverviewTab /> },
              { path: 'operations', element: <DatabaseOperationsTab /> },
              { path: 'logs', element: <DatabaseLogsTab /> },
              { path: 'metrics', element: <DatabaseMetricsTab /> },
              { path: 'backups', element: <DatabaseBackupsTab /> },
              { path: 'settings', element: <DatabaseSettingsTab /> },
            ],
          },
          { path: 'team/members', element: <MembersPage /> },
          { path: 'team/api-tokens', element: <ApiTokensPage /> },
          { path: 'team/audit', element: <AuditPage /> },
          { path: 'team/backup-destinations', element: <DestinationsPage /> },
          { path: 'notifications', element: <NotificationsPage /> },
          { path: 'notifications/channels', element: <ChannelsPage /> },
          { path: 'notifications/channels/:channelId', element: <ChannelPage /> },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
];
