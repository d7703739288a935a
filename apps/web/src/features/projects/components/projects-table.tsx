import { Link } from 'react-router';
import { ErrorState } from '../../../components/error-state';
import { Pagination } from '../../../components/pagination';
import { Skeleton } from '../../../components/skeleton';
import { dateTime, timeAgo } from '../../../lib/format';
import { PROJECTS_PER_PAGE, useProjects } from '../../../shared/projects/queries';

interface ProjectsTableProps {
  teamId: string;
  page: number;
  onPageChange: (page: number) => void;
  /** The empty state's call to action; absent for those who cannot create projects. */
  onCreate?: () => void;
}

export function ProjectsTable({ teamId, page, onPageChange, onCreate }: ProjectsTableProps) {
  const projects = useProjects(teamId, page);
  if (projects.isPending) return <Skeleton lines={3} />;
  if (projects.isError) return <ErrorState error={projects.error} />;
  const { items, total, perPage } = projects.data;
  if (total === 0) {
    return (
      <div className="empty-state projects__empty">
        <p>No projects yet. A project groups the applications of one product, in environments such as production and staging.</p>
        {onCreate && (
          <button type="button" className="button" onClick={onCreate}>
            Create your first project
          </button>
        )}
      </div>
    );
  }
  return (
    <>
      <div className="table-scroll">
        <table className="table" aria-label="Projects" data-testid="projects-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Description</th>
              <th scope="col" className="num">
                Environments
              </th>
              <th scope="col" className="num">
                Applications
              </th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {items.map((project) => (
              <tr key={project.id} data-testid={`project-${project.name}`}>
                <td>
                  <Link to={`/projects/${project.id}`}>{project.name}</Link>
                </td>
                <td className="muted">{project.description || '—'}</td>
                <td className="num">{project.environmentCount}</td>
                <td className="num">{project.applicationCount}</td>
                <td>
                  <time dateTime={project.createdAt} title={dateTime(project.createdAt)}>
                    {timeAgo(project.createdAt)}
                  </time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pagination page={page} perPage={perPage || PROJECTS_PER_PAGE} total={total} onPageChange={onPageChange} label="Project pages" />
    </>
  );
}
