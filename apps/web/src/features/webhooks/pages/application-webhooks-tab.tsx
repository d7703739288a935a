import { APPLICATION_LIMITS, type ApplicationDto, type UpdateApplicationRequest, WEBHOOK_PROVIDERS, type WebhookSecretDto } from '@zpanel/contracts';
import { useState } from 'react';
import { Link } from 'react-router';
import { CopyButton } from '../../../components/copy-button';
import { ErrorState } from '../../../components/error-state';
import { Form } from '../../../components/form';
import { FormActions } from '../../../components/form-actions';
import { PagedTable, type TableShape } from '../../../components/data-table';
import { usePageParam } from '../../../components/pagination';
import { Skeleton } from '../../../components/skeleton';
import { StatusBadge } from '../../../components/status-badge';
import { TextField } from '../../../components/text-field';
import { TimeAgo } from '../../../components/time-ago';
import {
  WEBHOOK_OUTCOME_TONES,
  WEBHOOK_PROVIDER_LABELS,
  WEBHOOK_SETUP_HINTS,
  ciDeployExample,
  webhookOutcomeLabel,
} from '../../../shared/webhooks/labels';
import { useRotateWebhookSecret } from '../mutations';
import { WEBHOOK_DELIVERIES_PER_PAGE, useWebhookDeliveries, useWebhookSettings } from '../queries';
import { errorsByField, shownFields } from '../../../shared/applications/application-form';
import { useApplicationOutlet } from '../../../shared/applications/application-outlet';
import { TextAreaField } from '../../../shared/applications/components/fields';
import { useUpdateApplication } from '../../../shared/applications/mutations';
import { bindText } from '../../../components/field';

/** The new secret, once: only a sealed copy is kept, and the API never returns it again. */
function NewSecret({ created }: { created: WebhookSecretDto }) {
  return (
    <div className="new-token" data-testid="new-webhook-secret">
      <p className="form__success" role="status">
        New webhook secret generated. Deliveries signed with the previous one are refused from now on.
      </p>
      <p className="muted">Copy it now into each provider&apos;s webhook settings: it cannot be shown again.</p>
      <div className="new-token__value">
        <code data-testid="webhook-secret-value">{created.webhookSecret}</code>
        <CopyButton text={created.webhookSecret} label="Copy secret" />
      </div>
    </div>
  );
}

const DELIVERIES: TableShape = {
  label: 'Webhook deliveries',
  testId: 'webhook-deliveries',
  columns: ['When', 'Provider', 'Event', 'Outcome', 'Reason', 'Deployment'],
};

function Deliveries({ teamId, applicationId }: { teamId: string; applicationId: string }) {
  const [page, setPage] = usePageParam();
  return (
    <PagedTable
      query={useWebhookDeliveries(teamId, applicationId, page)}
      table={DELIVERIES}
      paging={{ page, onPageChange: setPage, perPage: WEBHOOK_DELIVERIES_PER_PAGE, label: 'Delivery pages' }}
      lines={4}
      empty={<div className="empty-state">No deliveries yet. Once a provider sends one, this log says what happened to it and why.</div>}
    >
      {(d) => (
        <tr key={d.id} data-testid={`webhook-delivery-${d.id}`}>
          <td>
            <TimeAgo iso={d.receivedAt} />
          </td>
          <td>{WEBHOOK_PROVIDER_LABELS[d.provider]}</td>
          <td>
            <code>{d.event}</code>
          </td>
          <td>
            <StatusBadge tone={WEBHOOK_OUTCOME_TONES[d.outcome]}>{webhookOutcomeLabel(d)}</StatusBadge>
          </td>
          <td>{d.reason}</td>
          <td>
            {d.deploymentId && d.deploymentApplicationId ? (
              <Link to={`/applications/${d.deploymentApplicationId}/deployments/${d.deploymentId}`}>View deployment</Link>
            ) : (
              <span className="muted">—</span>
            )}
          </td>
        </tr>
      )}
    </PagedTable>
  );
}

const parseGlobs = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

interface SettingProps {
  application: ApplicationDto;
  teamId: string;
  writeRefusal?: string;
}

interface TextSettingProps extends SettingProps {
  field: 'watchPaths' | 'deployTags';
  /** The form's accessible name. */
  label: string;
  submitLabel: string;
  /** The setting as the text edited. */
  textOf: (application: ApplicationDto) => string;
  /** The change the text asks for. */
  changeOf: (text: string) => UpdateApplicationRequest;
  /** Its field, given the text, a setter, and the API's problems with it. */
  children: (text: string, setText: (text: string) => void, problems?: string[]) => React.ReactNode;
}

/** One setting of the application edited as text, saved on its own. */
function TextSetting({ application, teamId, writeRefusal, field, label, submitLabel, textOf, changeOf, children }: TextSettingProps) {
  const update = useUpdateApplication(teamId, application.id);
  const [text, setText] = useState(textOf(application));
  const submit = () => update.mutate(changeOf(text), { onSuccess: (saved) => setText(textOf(saved)) });
  return (
    <Form className="applications__form" label={label} onSubmit={submit}>
      <fieldset className="applications__group" disabled={Boolean(writeRefusal)}>
        {children(text, setText, errorsByField(update.error)[field])}
      </fieldset>
      <FormActions
        submission={update}
        fields={shownFields(update.error, [field])}
        savedMessage="Saved."
        submitLabel={submitLabel}
        tone="secondary"
        refusal={writeRefusal}
      />
    </Form>
  );
}

/** Monorepos: a push deploys only when a changed file matches one of these globs. */
function WatchPaths(props: SettingProps) {
  return (
    <TextSetting
      {...props}
      field="watchPaths"
      label="Watch paths"
      submitLabel="Save watch paths"
      textOf={(application) => application.watchPaths.join('\n')}
      changeOf={(text) => ({ watchPaths: parseGlobs(text) })}
    >
      {(text, setText, problems) => (
        <TextAreaField
          label="Watch paths"
          rows={4}
          placeholder={'apps/api/**\nlibs/**\nDockerfile'}
          {...bindText(text, setText)}
          errors={problems}
          hint={`One glob per line (* within a folder, ** across folders, ? one character, [ab] one of, {a,b} either; ! in front excludes, e.g. !docs/**), at most ${APPLICATION_LIMITS.watchPaths.max}. Empty: every push deploys.`}
        />
      )}
    </TextSetting>
  );
}

/** Releases: a pushed tag whose name matches this glob deploys the tagged commit. */
function DeployTags(props: SettingProps) {
  return (
    <TextSetting
      {...props}
      field="deployTags"
      label="Tag deploys"
      submitLabel="Save deploy tags"
      textOf={(application) => application.deployTags ?? ''}
      changeOf={(text) => ({ deployTags: text.trim() === '' ? null : text.trim() })}
    >
      {(text, setText, problems) => (
        <TextField
          label="Deploy tags"
          placeholder="v*"
          {...bindText(text, setText)}
          error={problems?.join(' ')}
          hint="A pushed tag whose name matches this glob deploys the tagged commit (e.g. v* or release/**). Empty: tag pushes do not deploy."
        />
      )}
    </TextSetting>
  );
}

/** Where to point each provider, the secret to sign with, what happened to each delivery, and how CI deploys. */
export function ApplicationWebhooksTab() {
  const { application, teamId, writeRefusal } = useApplicationOutlet();
  const settings = useWebhookSettings(teamId, application.id);
  const rotate = useRotateWebhookSecret(teamId, application.id);
  const example = ciDeployExample(window.location.origin, application.id, application.buildPack);

  return (
    <div className="applications__stack">
      <section className="panel panel--padded" aria-label="Webhooks">
        <h2 className="applications__heading">Webhooks</h2>
        {application.buildPack !== 'dockerfile' && (
          <p className="muted">Webhooks deploy applications built from a git repository; this one runs an image.</p>
        )}
        <p className="muted">
          A push to <code>{application.gitBranch ?? '—'}</code> of <code>{application.gitUrl ?? '—'}</code> deploys its head commit, unless the commit
          message holds <code>[skip ci]</code> or <code>[skip deploy]</code>
          {application.watchPaths.length > 0 ? <> or no changed file matches the watch paths ({application.watchPaths.join(', ')})</> : null}. Every
          delivery must be signed with this application&apos;s secret.
        </p>
        {settings.isPending && <Skeleton lines={4} />}
        {settings.isError && <ErrorState error={settings.error} />}
        {settings.data && (
          <>
            <ul className="applications__urls" aria-label="Webhook URLs">
              {WEBHOOK_PROVIDERS.map((provider) => (
                <li key={provider} data-testid={`webhook-url-${provider}`}>
                  <strong>{WEBHOOK_PROVIDER_LABELS[provider]}</strong> <code>{settings.data.urls[provider]}</code>{' '}
                  <CopyButton text={settings.data.urls[provider]} label={`Copy ${WEBHOOK_PROVIDER_LABELS[provider]} URL`} />
                  <p className="muted">{WEBHOOK_SETUP_HINTS[provider]}</p>
                </li>
              ))}
            </ul>
            <p data-testid="webhook-secret-state">
              {settings.data.secretSet ? 'A webhook secret is set.' : 'No webhook secret yet: every delivery is refused until you generate one.'}
            </p>
            {rotate.data && <NewSecret created={rotate.data} />}
            <FormActions
              submission={rotate}
              submitLabel={settings.data.secretSet ? 'Rotate secret' : 'Generate secret'}
              pendingLabel="Generating…"
              refusal={writeRefusal}
              onClick={() => rotate.mutate()}
            />
          </>
        )}
        <WatchPaths application={application} teamId={teamId} writeRefusal={writeRefusal} />
        <DeployTags application={application} teamId={teamId} writeRefusal={writeRefusal} />
      </section>
      <section className="panel panel--padded" aria-label="Deploy from CI">
        <h2 className="applications__heading">Deploy from CI</h2>
        <p className="muted">
          Create an API token with the <code>deploy</code> ability (Team → API tokens), store it as <code>ZPANEL_TOKEN</code> in the CI, then{' '}
          {application.buildPack === 'image' ? (
            <>
              run the image tag it pushed (<code>imageTag</code> takes the place of the tag of <code>{application.imageReference ?? '—'}</code>):
            </>
          ) : (
            'deploy the commit it built:'
          )}
        </p>
        <pre>
          <code data-testid="ci-deploy-example">{example}</code>
        </pre>
        <CopyButton text={example} label="Copy command" />
      </section>
      <section className="panel" aria-label="Webhook deliveries">
        <h2 className="applications__heading panel--padded">Deliveries</h2>
        <Deliveries teamId={teamId} applicationId={application.id} />
      </section>
    </div>
  );
}
