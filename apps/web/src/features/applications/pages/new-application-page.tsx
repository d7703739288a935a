import { APPLICATION_LIMITS, type CreateApplicationRequest } from '@zpanel/contracts';
import { useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { ErrorState } from '../../../components/error-state';
import { FormFailure } from '../../../components/form-failure';
import { PageHeader } from '../../../components/page-header';
import { Skeleton } from '../../../components/skeleton';
import { TextField } from '../../../components/text-field';
import { useSshKeys } from '../../../shared/servers/queries';
import { useEnvironments, useProject } from '../../../shared/projects/queries';
import { useCurrentTeam } from '../../../shared/teams/use-current-team';
import {
  EMPTY_SOURCE,
  HEALTH_CHECK_FIELDS,
  type HealthCheckForm,
  RUNTIME_FIELDS,
  type RuntimeForm,
  SOURCE_FIELDS,
  type SourceForm,
  errorsByField,
  fieldMessages,
  healthCheckForm,
  healthCheckRequest,
  numberField,
  parseDomains,
  runtimeForm,
  runtimeRequest,
  shownFields,
  sourceRequest,
} from '../../../shared/applications/application-form';
import { SelectField } from '../../../components/select-field';
import { ServerSelectField } from '../../../shared/servers/components/server-select-field';
import { TextAreaField } from '../../../shared/applications/components/fields';
import { HealthCheckFields, PortField, RuntimeFields, SourceFields } from '../components/settings-fields';
import { whyCannotWrite } from '../../../shared/applications/labels';
import { useCreateApplication } from '../../../shared/applications/mutations';
import { useServerChoices } from '../../../shared/applications/queries';
import '../../../shared/applications/applications.css';
import { bindText } from '../../../components/field';

const FIELDS = [
  'environmentId',
  'serverId',
  'name',
  'description',
  'port',
  'domains',
  ...SOURCE_FIELDS,
  'gitToken',
  ...HEALTH_CHECK_FIELDS,
  ...RUNTIME_FIELDS,
];

/** Creating an application: where it runs, what it builds or runs, how it is reached and checked. Nothing is deployed yet. */
export function NewApplicationPage() {
  const { projectId = '' } = useParams();
  const [params] = useSearchParams();
  const { current } = useCurrentTeam();
  const teamId = current?.teamId ?? '';
  const project = useProject(teamId, current ? projectId : undefined);
  const environments = useEnvironments(teamId, current ? projectId : undefined);
  const servers = useServerChoices(teamId);
  const sshKeys = useSshKeys(teamId);
  const create = useCreateApplication(teamId);
  const navigate = useNavigate();

  const [environmentId, setEnvironmentId] = useState(params.get('environment') ?? '');
  const [serverId, setServerId] = useState('');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [source, setSource] = useState<SourceForm>(EMPTY_SOURCE);
  /** Write-only: sent once with the application, never shown again (the settings page can replace or clear it). */
  const [gitToken, setGitToken] = useState('');
  const [port, setPort] = useState('3000');
  const [domains, setDomains] = useState('');
  const [healthCheck, setHealthCheck] = useState<HealthCheckForm>(() => healthCheckForm());
  const [runtime, setRuntime] = useState<RuntimeForm>(() => runtimeForm());

  if (!current || project.isPending || environments.isPending || servers.isPending) {
    return (
      <>
        <PageHeader title="New application" />
        <section className="panel">
          <Skeleton lines={6} />
        </section>
      </>
    );
  }
  const failed = project.error ?? environments.error ?? servers.error;
  if (failed) {
    return (
      <>
        <PageHeader title="New application" />
        <section className="panel">
          <ErrorState error={failed} />
        </section>
      </>
    );
  }

  const refusal = whyCannotWrite(current.role);
  const environmentChoices = environments.data?.items ?? [];
  const serverChoices = servers.data?.items ?? [];
  // Until the user picks, the environment the page was opened from (or the first) and the only server.
  const chosenEnvironment = environmentChoices.some((e) => e.id === environmentId) ? environmentId : (environmentChoices[0]?.id ?? '');
  const chosenServer = serverId || (serverChoices.length === 1 ? serverChoices[0].id : '');
  const domainList = parseDomains(domains);
  const errors = fieldMessages(create.error, domainList);
  const projectHref = `/projects/${projectId}?environment=${chosenEnvironment}`;

  const submit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const body: CreateApplicationRequest = {
      environmentId: chosenEnvironment,
      serverId: chosenServer,
      name: name.trim(),
      ...(description.trim() ? { description: description.trim() } : {}),
      ...sourceRequest(source),
      ...(source.buildPack === 'dockerfile' && gitToken.trim() ? { gitToken: gitToken.trim() } : {}),
      port: numberField(port),
      domains: domainList,
      healthCheck: healthCheckRequest(healthCheck),
      ...runtimeRequest(runtime),
    };
    create.mutate(body, { onSuccess: (application) => void navigate(`/applications/${application.id}`) });
  };

  return (
    <>
      <PageHeader title="New application" description={`In ${project.data?.name ?? 'the project'}. Nothing is deployed until you press Deploy.`} />
      {refusal && <p className="applications__notice">{refusal}.</p>}
      <section className="panel applications__form-panel">
        {serverChoices.length === 0 ? (
          <div className="empty-state">
            <p>An application runs on one of the team's servers, and the team has none yet.</p>
            <Link className="button" to="/servers">
              Add a server
            </Link>
          </div>
        ) : (
          <form className="form applications__form" onSubmit={submit} aria-label="New application">
            <fieldset className="applications__group" disabled={Boolean(refusal)}>
              <legend className="applications__legend">Where</legend>
              <div className="applications__row">
                <SelectField label="Environment" {...bindText(chosenEnvironment, setEnvironmentId)} error={errors.environmentId}>
                  {environmentChoices.map((environment) => (
                    <option key={environment.id} value={environment.id}>
                      {environment.name}
                    </option>
                  ))}
                </SelectField>
                <ServerSelectField servers={serverChoices} {...bindText(chosenServer, setServerId)} error={errors.serverId} />
              </div>
              <TextField
                label="Name"
                required
                maxLength={63}
                placeholder="shop-web"
                value={name}
                onChange={(event) => setName(event.target.value.toLowerCase())}
                error={errors.name}
                hint="Lower-case letters, digits and dashes; names the container (zp-<name>) and is unique on its server."
              />
              <TextField label="Description (optional)" maxLength={500} {...bindText(description, setDescription)} error={errors.description} />
            </fieldset>
            <SourceFields value={source} onChange={setSource} errors={errors} sshKeys={sshKeys.data?.items ?? []} disabled={Boolean(refusal)} />
            {source.buildPack === 'dockerfile' && (
              <fieldset className="applications__group" disabled={Boolean(refusal)}>
                <legend className="applications__legend">Private repository over HTTPS</legend>
                <TextField
                  label="HTTPS token (optional)"
                  type="password"
                  autoComplete="off"
                  {...bindText(gitToken, setGitToken)}
                  error={errors.gitToken}
                  hint="For a private https:// repository: an access token that can read it, or user:password (Bitbucket app passwords). Stored encrypted and never shown again; replace or clear it in the application's settings."
                />
              </fieldset>
            )}
            <fieldset className="applications__group" disabled={Boolean(refusal)}>
              <legend className="applications__legend">Network</legend>
              <PortField {...bindText(port, setPort)} error={errors.port} />
              <TextAreaField
                label="Domains (optional)"
                rows={3}
                placeholder={'shop.example.com\nwww.shop.example.com'}
                {...bindText(domains, setDomains)}
                errors={errorsByField(create.error, domainList).domains}
                hint={`One per line, at most ${APPLICATION_LIMITS.domains.max}. Point each at the server; the proxy routes it to the application.`}
              />
            </fieldset>
            <HealthCheckFields value={healthCheck} onChange={setHealthCheck} errors={errors} disabled={Boolean(refusal)} />
            <details className="applications__advanced" open={RUNTIME_FIELDS.some((field) => errors[field]) || undefined}>
              <summary>Runtime: restart policy, limits, images kept</summary>
              <RuntimeFields value={runtime} onChange={setRuntime} errors={errors} disabled={Boolean(refusal)} />
            </details>
            <FormFailure error={create.error} fields={shownFields(create.error, FIELDS)} />
            <div className="form__actions">
              <Link className="button button--secondary" to={projectHref}>
                Cancel
              </Link>
              <button type="submit" className="button" disabled={Boolean(refusal) || create.isPending}>
                {create.isPending ? 'Creating…' : 'Create application'}
              </button>
            </div>
          </form>
        )}
      </section>
    </>
  );
}
