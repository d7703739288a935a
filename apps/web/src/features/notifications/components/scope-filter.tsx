import { useQuery } from '@tanstack/react-query';
import type { ProjectDto } from '@zpanel/contracts';
import { ErrorState } from '../../../components/error-state';
import { Skeleton } from '../../../components/skeleton';
import { projectsApi } from '../../../shared/projects/api';
import { projectKeys, useEnvironments } from '../../../shared/projects/queries';

/** The filters list the team's projects from one page of the API's maximum. */
const PROJECTS_PER_PAGE = 100;

interface ScopeFilterProps {
  teamId: string;
  projectIds: string[] | null;
  environmentIds: string[] | null;
  onChange: (scope: { projectIds: string[] | null; environmentIds: string[] | null }) => void;
  projectError?: string;
  environmentError?: string;
}

/** Optional filters: only events of some projects, and only of some environments (of those projects, or of all). */
export function ScopeFilter({ teamId, projectIds, environmentIds, onChange, projectError, environmentError }: ScopeFilterProps) {
  const projects = useQuery({
    queryKey: [...projectKeys.lists(teamId), { page: 1, perPage: PROJECTS_PER_PAGE }],
    queryFn: ({ signal }) => projectsApi.list({ page: 1, perPage: PROJECTS_PER_PAGE }, signal),
  });
  const toggle = (list: string[] | null, id: string, on: boolean) => (on ? [...(list ?? []), id] : (list ?? []).filter((x) => x !== id));
  const shown = (projects.data?.items ?? []).filter((project) => projectIds === null || projectIds.includes(project.id));

  return (
    <fieldset className="channels__group">
      <legend className="field__label">Projects and environments</legend>
      {projects.isPending && <Skeleton lines={2} />}
      {projects.isError && <ErrorState error={projects.error} />}
      {projects.isSuccess && projects.data.items.length === 0 && <p className="field__hint">The team has no project yet: every event is sent.</p>}
      {projects.isSuccess && projects.data.items.length > 0 && (
        <>
          <label className="applications__check">
            <input
              type="checkbox"
              checked={projectIds !== null}
              onChange={(event) => onChange({ projectIds: event.target.checked ? [] : null, environmentIds })}
            />
            Only events of some projects
          </label>
          {projectIds !== null && (
            <div className="channels__events" role="group" aria-label="Projects">
              {projects.data.items.map((project) => (
                <label key={project.id} className="applications__check">
                  <input
                    type="checkbox"
                    checked={projectIds.includes(project.id)}
                    onChange={(event) => onChange({ projectIds: toggle(projectIds, project.id, event.target.checked), environmentIds })}
                  />
                  {project.name}
                </label>
              ))}
            </div>
          )}
          {projectError && <p className="field__error">{projectError}</p>}
          <label className="applications__check">
            <input
              type="checkbox"
              checked={environmentIds !== null}
              onChange={(event) => onChange({ projectIds, environmentIds: event.target.checked ? [] : null })}
            />
            Only events of some environments
          </label>
          {environmentIds !== null && (
            <div className="channels__events" role="group" aria-label="Environments">
              {shown.map((project) => (
                <ProjectEnvironments
                  key={project.id}
                  teamId={teamId}
                  project={project}
                  selected={environmentIds}
                  onToggle={(id, on) => onChange({ projectIds, environmentIds: toggle(environmentIds, id, on) })}
                />
              ))}
            </div>
          )}
          {environmentError && <p className="field__error">{environmentError}</p>}
        </>
      )}
    </fieldset>
  );
}

interface ProjectEnvironmentsProps {
  teamId: string;
  project: ProjectDto;
  selected: string[];
  onToggle: (environmentId: string, on: boolean) => void;
}

function ProjectEnvironments({ teamId, project, selected, onToggle }: ProjectEnvironmentsProps) {
  const environments = useEnvironments(teamId, project.id);
  if (environments.isPending) return <Skeleton lines={1} />;
  if (environments.isError) return <ErrorState error={environments.error} />;
  return (
    <>
      {environments.data.items.map((environment) => (
        <label key={environment.id} className="applications__check">
          <input type="checkbox" checked={selected.includes(environment.id)} onChange={(event) => onToggle(environment.id, event.target.checked)} />
          {project.name} / {environment.name}
        </label>
      ))}
    </>
  );
}
