import { ENVIRONMENT_NAME_PATTERN, type EnvironmentDto, type Role } from '@zpanel/contracts';
import { useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { FormDialog } from '../../../components/form-dialog';
import { ErrorState } from '../../../components/error-state';
import { PlusIcon } from '../../../components/icons';
import { PageHeader } from '../../../components/page-header';
import { Skeleton } from '../../../components/skeleton';
import { TextField } from '../../../components/text-field';
import { fieldErrors } from '../../../lib/api-client';
import { ApplicationsTable } from '../../../shared/applications/components/applications-table';
import { EnvVarsEditor } from '../../../shared/applications/components/env-vars-editor';
import { whyCannotWrite } from '../../../shared/applications/labels';
import { useCurrentTeam } from '../../../shared/teams/use-current-team';
import { useCreateEnvironment, useDeleteEnvironment, useDeleteProject } from '../mutations';
import { useEnvironments, useProject } from '../../../shared/projects/queries';
import '../../../shared/applications/applications.css';
import '../projects.css';
import { Button } from '../../../components/button';
import { PagePlaceholder } from '../../../components/page-placeholder';

type Dialogs = 'add-environment' | 'delete-environment' | 'delete-project' | undefined;

/** What the router's panels beside the applications get: the selected environment (databases). */
export interface EnvironmentPanelProps {
  teamId: string;
  environment: EnvironmentDto;
  role: Role;
}

interface ProjectPageProps {
  /** Shown under the applications of the selected environment (the router passes the databases list). */
  environmentPanel?: (props: EnvironmentPanelProps) => React.ReactNode;
}

/** Why an environment cannot be deleted now, or undefined. */
function whyKeepEnvironment(environment: EnvironmentDto, count: number): string | undefined {
  if (count <= 1) return 'A project keeps at least one environment';
  if (environment.applicationCount > 0)
    return `Move or delete its ${environment.applicationCount === 1 ? 'application' : `${environment.applicationCount} applications`} first`;
  return undefined;
}

/** A project: its environments, and the applications, databases and shared variables of the one selected. */
export function ProjectPage({ environmentPanel }: ProjectPageProps = {}) {
  const { projectId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const { current } = useCurrentTeam();
  const teamId = current?.teamId ?? '';
  const project = useProject(teamId, current ? projectId : undefined);
  const environments = useEnvironments(teamId, current ? projectId : undefined);
  const deleteProject = useDeleteProject(teamId);
  const deleteEnvironment = useDeleteEnvironment(teamId, projectId);
  const navigate = useNavigate();
  const [dialog, setDialog] = useState<Dialogs>();
  const page = Math.max(1, Number(params.get('page')) || 1);

  if (!current || project.isPending) return <PagePlaceholder title="Project" />;
  if (project.isError) {
    return <PagePlaceholder title="Project" failure={{ error: project.error, backTo: '/projects', backLabel: 'Back to projects' }} />;
  }

  const p = project.data;
  const refusal = whyCannotWrite(current.role);
  const envs = environments.data?.items ?? [];
  const selected = envs.find((e) => e.id === params.get('environment')) ?? envs[0];
  const keepReason = selected ? whyKeepEnvironment(selected, envs.length) : undefined;
  const select = (id: string) => setParams({ environment: id });
  const setPage = (next: number) =>
    setParams(next > 1 ? { environment: selected?.id ?? '', page: String(next) } : { environment: selected?.id ?? '' });

  return (
    <>
      <nav className="applications__breadcrumbs" aria-label="Breadcrumbs">
        <Link to="/projects">Projects</Link>
      </nav>
      <PageHeader
        title={p.name}
        description={p.description || undefined}
        actions={
          <button
            type="button"
            className="button button--secondary"
            disabled={Boolean(refusal) || p.applicationCount > 0}
            title={refusal ?? (p.applicationCount > 0 ? 'Delete its applications first' : undefined)}
            onClick={() => {
              deleteProject.reset();
              setDialog('delete-project');
            }}
          >
            Delete project
          </button>
        }
      />
      {refusal && <p className="projects__notice">{refusal}. You can see this project but not change it.</p>}

      <section className="panel projects__environments" aria-label="Environments">
        {environments.isPending && <Skeleton lines={1} />}
        {environments.isError && <ErrorState error={environments.error} />}
        {environments.isSuccess && (
          <div className="toolbar">
            <div className="projects__env-list" role="tablist" aria-label="Environments">
              {envs.map((environment) => (
                <button
                  key={environment.id}
                  type="button"
                  role="tab"
                  aria-selected={environment.id === selected?.id}
                  className={environment.id === selected?.id ? 'projects__env projects__env--active' : 'projects__env'}
                  onClick={() => select(environment.id)}
                >
                  {environment.name}
                  <span className="projects__env-count">{environment.applicationCount}</span>
                </button>
              ))}
            </div>
            <div className="projects__env-actions">
              <Button plus tone="secondary" small refusal={refusal} onClick={() => setDialog('add-environment')}>
                Add environment
              </Button>
              {selected && (
                <button
                  type="button"
                  className="button button--secondary button--small"
                  disabled={Boolean(refusal ?? keepReason)}
                  title={refusal ?? keepReason}
                  onClick={() => {
                    deleteEnvironment.reset();
                    setDialog('delete-environment');
                  }}
                >
                  Delete {selected.name}
                </button>
              )}
            </div>
          </div>
        )}
      </section>

      {selected && (
        <>
          <section className="panel projects__applications" aria-label="Applications">
            <header className="projects__section-header">
              <h2 className="applications__heading">Applications in {selected.name}</h2>
              {refusal ? (
                <button type="button" className="button" disabled title={refusal}>
                  <PlusIcon />
                  New application
                </button>
              ) : (
                <Link className="button" to={`/projects/${p.id}/applications/new?environment=${selected.id}`}>
                  <PlusIcon />
                  New application
                </Link>
              )}
            </header>
            <ApplicationsTable
              teamId={teamId}
              environmentId={selected.id}
              page={page}
              onPageChange={setPage}
              empty={<p>No applications in {selected.name} yet. An application builds a git repository (or runs an image) on one of your servers.</p>}
            />
          </section>
          {environmentPanel?.({ teamId, environment: selected, role: current.role })}
          <EnvVarsEditor key={selected.id} teamId={teamId} owner={{ scope: 'environment', id: selected.id }} role={current.role} />
        </>
      )}

      {dialog === 'add-environment' && (
        <AddEnvironmentDialog
          teamId={teamId}
          projectId={p.id}
          onClose={() => setDialog(undefined)}
          onCreated={(environment) => select(environment.id)}
        />
      )}
      {dialog === 'delete-environment' && selected && (
        <ConfirmDialog
          title={`Delete ${selected.name}?`}
          description="The environment and its shared variables are deleted. This cannot be undone."
          confirmLabel="Delete environment"
          pendingLabel="Deleting…"
          submission={deleteEnvironment}
          onConfirm={() =>
            deleteEnvironment.mutate(selected.id, {
              onSuccess: () => {
                setDialog(undefined);
                setParams({});
              },
            })
          }
          onClose={() => setDialog(undefined)}
        />
      )}
      {dialog === 'delete-project' && (
        <ConfirmDialog
          title={`Delete ${p.name}?`}
          description="The project, its environments and their shared variables are deleted. This cannot be undone."
          confirmLabel="Delete project"
          pendingLabel="Deleting…"
          submission={deleteProject}
          onConfirm={() => deleteProject.mutate(p.id, { onSuccess: () => void navigate('/projects') })}
          onClose={() => setDialog(undefined)}
        />
      )}
    </>
  );
}

function AddEnvironmentDialog({
  teamId,
  projectId,
  onClose,
  onCreated,
}: {
  teamId: string;
  projectId: string;
  onClose: () => void;
  onCreated: (environment: EnvironmentDto) => void;
}) {
  const create = useCreateEnvironment(teamId, projectId);
  const [name, setName] = useState('');
  const errors = fieldErrors(create.error);
  const hint =
    name && !ENVIRONMENT_NAME_PATTERN.test(name)
      ? 'Lower-case letters, digits and dashes, starting and ending with a letter or digit (at most 40).'
      : undefined;

  return (
    <FormDialog
      title="Add environment"
      description="Staging, preview…: applications in it are separate from production's, with their own shared variables."
      formLabel="Add environment"
      onSubmit={() =>
        create.mutate(
          { name },
          {
            onSuccess: (environment) => {
              onCreated(environment);
              onClose();
            },
          },
        )
      }
      onClose={onClose}
      submission={create}
      fields={['name']}
      submitLabel="Add environment"
      pendingLabel="Adding…"
    >
      <TextField
        label="Name"
        required
        maxLength={40}
        placeholder="staging"
        value={name}
        onChange={(event) => setName(event.target.value.toLowerCase())}
        error={errors.name ?? hint}
      />
    </FormDialog>
  );
}
