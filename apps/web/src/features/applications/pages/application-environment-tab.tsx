import { Link } from 'react-router';
import { useApplicationOutlet } from '../../../shared/applications/application-outlet';
import { EnvVarsEditor } from '../../../shared/applications/components/env-vars-editor';

export function ApplicationEnvironmentTab() {
  const { application, teamId, role } = useApplicationOutlet();
  const projectHref = `/projects/${application.projectId}?environment=${application.environmentId}`;
  const linkDatabases = { environmentId: application.environmentId, projectHref };
  return (
    <>
      <EnvVarsEditor
        teamId={teamId}
        owner={{ scope: 'application', id: application.id }}
        role={role}
        linkDatabases={linkDatabases}
        sharedHint={
          <>
            Changes apply from the next deployment. Shared variables are edited below, for every application of the environment, or on the{' '}
            <Link to={projectHref}>project page</Link>.
          </>
        }
      />
      <EnvVarsEditor teamId={teamId} owner={{ scope: 'environment', id: application.environmentId }} role={role} linkDatabases={linkDatabases} />
    </>
  );
}
