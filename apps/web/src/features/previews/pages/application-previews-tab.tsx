import { Link } from 'react-router';
import { PreviewSettingsForm } from '../components/preview-settings-form';
import { PreviewsTable } from '../components/previews-table';
import { PULL_REQUEST_EVENT_HINTS } from '../labels';
import '../previews.css';
import { WEBHOOK_PROVIDER_LABELS } from '../../../shared/webhooks/labels';
import { useApplicationOutlet } from '../../../shared/applications/application-outlet';
import { EnvVarsEditor } from '../../../shared/applications/components/env-vars-editor';

/** Pull request previews: whether and where they deploy, the webhook events they need, their variables, and the open ones. */
export function ApplicationPreviewsTab() {
  const { application, teamId, role, writeRefusal } = useApplicationOutlet();
  const webhooks = `/applications/${application.id}/webhooks`;

  if (application.buildPack !== 'dockerfile') {
    return (
      <section className="panel panel--padded" aria-label="Preview deployments">
        <h2 className="applications__heading">Preview deployments</h2>
        <p className="muted" data-testid="previews-need-git">
          Previews need a git repository: each pull request is built with the Dockerfile build pack, and this application runs a prebuilt image.
        </p>
      </section>
    );
  }

  return (
    <div className="applications__stack">
      <section className="panel panel--padded" aria-label="Preview deployments">
        <h2 className="applications__heading">Preview deployments</h2>
        <PreviewSettingsForm application={application} teamId={teamId} writeRefusal={writeRefusal} />
      </section>
      <section className="panel panel--padded" aria-label="Pull request events">
        <h2 className="applications__heading">Pull request events</h2>
        <p className="muted">
          Previews arrive through the application&apos;s webhook: the same URL and secret as pushes (see the <Link to={webhooks}>Webhooks tab</Link>).
          Have the provider send pull request events to it too:
        </p>
        <ul className="previews__events" data-testid="pull-request-events">
          {(Object.keys(PULL_REQUEST_EVENT_HINTS) as (keyof typeof PULL_REQUEST_EVENT_HINTS)[]).map((provider) => (
            <li key={provider}>
              <strong>{WEBHOOK_PROVIDER_LABELS[provider]}</strong> {PULL_REQUEST_EVENT_HINTS[provider]}
            </li>
          ))}
        </ul>
        <p className="muted">Bitbucket pull requests do not deploy previews.</p>
      </section>
      <EnvVarsEditor
        teamId={teamId}
        owner={{ scope: 'preview', id: application.id }}
        role={role}
        environmentId={application.environmentId}
        sharedHint={
          <>
            Changes apply from each preview&apos;s next deployment. The application&apos;s own variables are on the{' '}
            <Link to={`/applications/${application.id}/environment`}>Environment tab</Link>.
          </>
        }
      />
      <section className="panel" aria-label="Previews">
        <h2 className="applications__heading panel--padded">Previews</h2>
        <PreviewsTable application={application} teamId={teamId} writeRefusal={writeRefusal} />
      </section>
    </div>
  );
}
