import { Link } from 'react-router';
import { PagedTable, type TableShape } from '../../../components/data-table';
import { TimeAgo } from '../../../components/time-ago';
import { PROJECTS_PER_PAGE, useProjects } from '../../../shared/projects/queries';

interface ProjectsTableProps {
  teamId: string;
  page: number;
  onPageChange: (page: number) => void;
  /** The empty state's call to action; absent for those who cannot create projects. */
  onCreate?: () => void;
}

const TABLE: TableShape = {
  label: 'Projects',
  testId: 'projects-table',
  columns: ['Name', 'Description', { title: 'Environments', numeric: true }, { title: 'Applications', numeric: true }, 'Created'],
};

export function ProjectsTable({ teamId, page, onPageChange, onCreate }: ProjectsTableProps) {
  const empty = (
    <div className="empty-state projects__empty">
      <p>No projects yet. A project groups the applications of one product, in environments such as production and staging.</p>
      {onCreate && (
        <button type="button" className="button" onClick={onCreate}>
          Create your first project
        </button>
      )}
    </div>
  );
  return (
    <PagedTable
      query={useProjects(teamId, page)}
      table={TABLE}
      paging={{ page, onPageChange, perPage: PROJECTS_PER_PAGE, label: 'Project pages' }}
      empty={empty}
    >
      {(project) => (
        <tr key={project.id} data-testid={`project-${project.name}`}>
          <td>
            <Link to={`/projects/${project.id}`}>{project.name}</Link>
          </td>
          <td className="muted">{project.description || '—'}</td>
          <td className="num">{project.environmentCount}</td>
          <td className="num">{project.applicationCount}</td>
          <td>
            <TimeAgo iso={project.createdAt} />
          </td>
        </tr>
      )}
    </PagedTable>
  );
}
