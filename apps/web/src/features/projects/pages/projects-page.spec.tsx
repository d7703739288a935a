import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Role } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { aMe, aMembership, aSystemStatus, readyReadiness } from '../../../test/fixtures';
import { jsonResponse, mockApi, problemResponse, requestsTo } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { aProject } from '../../../test/applications-fixtures';
import { aPage } from '../../../test/servers-fixtures';
import { ProjectsPage } from './projects-page';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

function shell(role: Role = Role.Owner) {
  return {
    '/api/v1/me': () => jsonResponse(aMe({ teams: [aMembership({ role })] })),
    '/api/ready': () => jsonResponse(readyReadiness),
  };
}

describe(ProjectsPage.name, () => {
  it('is reached from the main navigation and lists the team’s projects, a page at a time', async () => {
    const fetchMock = mockApi({
      ...shell(),
      // The overview the app opens on.
      '/api/v1/system/status': () => jsonResponse(aSystemStatus()),
      '/api/v1/projects?page=1&perPage=20': () => jsonResponse(aPage([aProject({ environmentCount: 2, applicationCount: 3 })], { total: 21 })),
      '/api/v1/projects?page=2&perPage=20': () => jsonResponse(aPage([aProject({ id: 'project-21', name: 'Blog' })], { page: 2, total: 21 })),
    });
    renderApp('/');

    fireEvent.click(await within(screen.getByRole('navigation', { name: 'Main' })).findByRole('link', { name: 'Projects' }));
    const row = await screen.findByTestId('project-Shop');
    expect(within(row).getByRole('link', { name: 'Shop' }).getAttribute('href')).toBe('/projects/project-1');
    expect(row.textContent).toContain('Storefront and its workers');
    expect(screen.getByTestId('pagination-summary').textContent).toBe('1–20 of 21');

    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByTestId('project-Blog')).toBeTruthy();
    expect(requestsTo(fetchMock, '/api/v1/projects?page=2&perPage=20')).toHaveLength(1);
  });

  it('offers to create the first project, shows the API’s error on the name, and opens the created project', async () => {
    const fetchMock = mockApi({
      ...shell(),
      '/api/v1/projects?page=1&perPage=20': () => jsonResponse(aPage([])),
      'POST /api/v1/projects': ({ body }) =>
        (body as { name: string }).name === 'Taken'
          ? problemResponse({
              status: 409,
              title: 'Conflict',
              detail: 'The team already has a project named Taken',
              errors: [{ field: 'name', message: 'the team already has a project with this name' }],
            })
          : jsonResponse(aProject({ id: 'project-7', name: 'Blog', description: '' }), 201),
      '/api/v1/projects/project-7': () => jsonResponse(aProject({ id: 'project-7', name: 'Blog', description: '' })),
      '/api/v1/projects/project-7/environments?page=1&perPage=100': () => jsonResponse(aPage([], { perPage: 100 })),
    });
    const { router } = renderApp('/projects');

    fireEvent.click(await screen.findByRole('button', { name: 'Create your first project' }));
    const dialog = screen.getByRole('dialog', { name: 'Create project' });
    const name = within(dialog).getByLabelText('Name');
    fireEvent.change(name, { target: { value: 'Taken' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create project' }));
    await waitFor(() =>
      expect(document.getElementById(name.getAttribute('aria-describedby') ?? '')?.textContent).toBe('the team already has a project with this name'),
    );
    expect(within(dialog).queryByRole('alert')).toBeNull();

    fireEvent.change(name, { target: { value: '  Blog ' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create project' }));

    await waitFor(() => expect(router.state.location.pathname).toBe('/projects/project-7'));
    expect(requestsTo(fetchMock, '/api/v1/projects', 'POST').map((r) => r.body)).toEqual([{ name: 'Taken' }, { name: 'Blog' }]);
  });

  it('shows a viewer the projects without a way to create one, saying why', async () => {
    mockApi({ ...shell(Role.Viewer), '/api/v1/projects?page=1&perPage=20': () => jsonResponse(aPage([])) });
    renderApp('/projects');

    expect(await screen.findByText(/No projects yet/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Create your first project' })).toBeNull();
    const create = screen.getByRole('button', { name: 'Create project' }) as HTMLButtonElement;
    expect(create.disabled).toBe(true);
    expect(create.title).toBe('Your role (viewer) cannot change projects or applications: ask a member, admin or owner');
  });

  it('shows why the list could not be loaded', async () => {
    mockApi({
      ...shell(),
      '/api/v1/projects?page=1&perPage=20': () => problemResponse({ status: 500, title: 'Internal Server Error', traceId: 'trace-42' }),
    });
    renderApp('/projects');
    expect((await screen.findByRole('alert')).textContent).toContain('trace-42');
  });
});
