import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Role } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { aMe, aMembership, readyReadiness } from '../../../test/fixtures';
import { jsonResponse, mockApi, problemResponse, requestsTo } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { aProject, anApplication, anEnvVar, anEnvironment } from '../../../test/applications-fixtures';
import { aDeployment } from '../../../test/deployments-fixtures';
import { aPage, aServer } from '../../../test/servers-fixtures';
import { ProjectPage } from './project-page';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const PRODUCTION = anEnvironment();
const STAGING = anEnvironment({ id: 'env-2', name: 'staging', applicationCount: 0 });
const ENVIRONMENTS = '/api/v1/projects/project-1/environments?page=1&perPage=100';

function routes(role: Role = Role.Owner, environments = [PRODUCTION, STAGING]) {
  return {
    '/api/v1/me': () => jsonResponse(aMe({ teams: [aMembership({ role })] })),
    '/api/ready': () => jsonResponse(readyReadiness),
    '/api/v1/projects/project-1': () => jsonResponse(aProject({ environmentCount: environments.length })),
    [ENVIRONMENTS]: () => jsonResponse(aPage(environments, { perPage: 100 })),
    '/api/v1/servers?page=1&perPage=100': () => jsonResponse(aPage([aServer()], { perPage: 100 })),
    '/api/v1/applications?environmentId=env-1&page=1&perPage=20': () => jsonResponse(aPage([anApplication()])),
    '/api/v1/applications?environmentId=env-2&page=1&perPage=20': () => jsonResponse(aPage([])),
    '/api/v1/applications/app-1/deployments?page=1&perPage=1': () =>
      jsonResponse(aPage([aDeployment({ status: 'failed', step: 'health' })], { perPage: 1 })),
    '/api/v1/environments/env-1/env': () => jsonResponse([anEnvVar({ scope: 'environment', key: 'SENTRY_DSN' })]),
    '/api/v1/environments/env-2/env': () => jsonResponse([]),
    '/api/v1/databases?environmentId=env-1&page=1&perPage=20': () => jsonResponse(aPage([])),
    '/api/v1/databases?environmentId=env-2&page=1&perPage=20': () => jsonResponse(aPage([])),
  };
}

describe(ProjectPage.name, () => {
  it('shows the applications of the selected environment with their latest deployment, server and domains', async () => {
    mockApi(routes());
    renderApp('/projects/project-1');

    const row = await screen.findByTestId('application-shop-web');
    expect(within(row).getByRole('link', { name: 'shop-web' }).getAttribute('href')).toBe('/applications/app-1');
    expect((await within(row).findByTestId('application-deployment-status')).dataset.status).toBe('failed');
    await waitFor(() => expect(within(row).getByRole('link', { name: 'web-1' }).getAttribute('href')).toBe('/servers/server-1'));
    expect(within(row).getByRole('link', { name: 'shop.example.com' }).getAttribute('href')).toBe('http://shop.example.com');
    expect(screen.getByRole('link', { name: 'New application' }).getAttribute('href')).toBe('/projects/project-1/applications/new?environment=env-1');
    // The environment's shared variables are edited here.
    expect(await within(screen.getByRole('region', { name: 'Shared variables' })).findByTestId('env-var-SENTRY_DSN')).toBeTruthy();
  });

  it('marks an application that needs a redeploy, saying why on hover', async () => {
    mockApi({
      ...routes(),
      '/api/v1/applications?environmentId=env-1&page=1&perPage=20': () =>
        jsonResponse(
          aPage([
            anApplication({
              pendingRedeploy: { reason: 'the password of main-db was rotated', since: new Date(Date.now() - 120_000).toISOString() },
            }),
            anApplication({ id: 'app-2', name: 'shop-worker' }),
          ]),
        ),
      '/api/v1/applications/app-2/deployments?page=1&perPage=1': () => jsonResponse(aPage([], { perPage: 1 })),
    });
    renderApp('/projects/project-1');

    const badge = within(await screen.findByTestId('application-shop-web')).getByTestId('application-pending-redeploy');
    expect(badge.textContent).toBe('Redeploy needed');
    expect(badge.title).toBe('the password of main-db was rotated (since 2 minutes ago)');
    expect(within(screen.getByTestId('application-shop-worker')).queryByTestId('application-pending-redeploy')).toBeNull();
  });

  it('switches environments, with an empty state for one without applications', async () => {
    mockApi(routes());
    const { router } = renderApp('/projects/project-1');
    fireEvent.click(await screen.findByRole('tab', { name: /staging/ }));

    expect(await screen.findByText(/No applications in staging yet/)).toBeTruthy();
    expect(router.state.location.search).toBe('?environment=env-2');
    expect(screen.getByRole('tab', { name: /staging/ }).getAttribute('aria-selected')).toBe('true');
  });

  it('adds an environment, showing the API’s error on its name, and selects it', async () => {
    const QA = anEnvironment({ id: 'env-3', name: 'qa', applicationCount: 0 });
    let environments = [PRODUCTION, STAGING];
    const fetchMock = mockApi({
      ...routes(),
      [ENVIRONMENTS]: () => jsonResponse(aPage(environments, { perPage: 100 })),
      'POST /api/v1/projects/project-1/environments': ({ body }) => {
        if ((body as { name: string }).name === 'staging')
          return problemResponse({
            status: 409,
            title: 'Conflict',
            errors: [{ field: 'name', message: 'the project already has an environment named staging' }],
          });
        environments = [...environments, QA];
        return jsonResponse(QA, 201);
      },
      '/api/v1/applications?environmentId=env-3&page=1&perPage=20': () => jsonResponse(aPage([])),
      '/api/v1/environments/env-3/env': () => jsonResponse([]),
      '/api/v1/databases?environmentId=env-3&page=1&perPage=20': () => jsonResponse(aPage([])),
    });
    const { router } = renderApp('/projects/project-1');

    fireEvent.click(await screen.findByRole('button', { name: 'Add environment' }));
    const dialog = screen.getByRole('dialog', { name: 'Add environment' });
    const name = within(dialog).getByLabelText('Name');
    fireEvent.change(name, { target: { value: 'Staging' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add environment' }));
    await waitFor(() =>
      expect(document.getElementById(name.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
        'the project already has an environment named staging',
      ),
    );

    fireEvent.change(name, { target: { value: 'qa' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add environment' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(router.state.location.search).toBe('?environment=env-3');
    expect(await screen.findByRole('tab', { name: /qa/ })).toBeTruthy();
    expect(requestsTo(fetchMock, '/api/v1/projects/project-1/environments', 'POST').map((r) => r.body)).toEqual([
      { name: 'staging' },
      { name: 'qa' },
    ]);
  });

  it('deletes an empty environment after asking, and says why one with applications is kept', async () => {
    const fetchMock = mockApi({ ...routes(), 'DELETE /api/v1/environments/env-2': () => new Response(null, { status: 204 }) });
    renderApp('/projects/project-1');

    const keep = (await screen.findByRole('button', { name: 'Delete production' })) as HTMLButtonElement;
    expect(keep.disabled).toBe(true);
    expect(keep.title).toBe('Move or delete its application first');

    fireEvent.click(screen.getByRole('tab', { name: /staging/ }));
    fireEvent.click(await screen.findByRole('button', { name: 'Delete staging' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete staging?' });
    expect(requestsTo(fetchMock, '/api/v1/environments/env-2', 'DELETE')).toEqual([]);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete environment' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, '/api/v1/environments/env-2', 'DELETE')).toHaveLength(1);
  });

  it('keeps a project’s last environment', async () => {
    mockApi(routes(Role.Owner, [PRODUCTION]));
    renderApp('/projects/project-1');
    const keep = (await screen.findByRole('button', { name: 'Delete production' })) as HTMLButtonElement;
    expect(keep.disabled).toBe(true);
    expect(keep.title).toBe('A project keeps at least one environment');
  });

  it('shows a viewer the project read-only, saying why', async () => {
    mockApi(routes(Role.Viewer));
    renderApp('/projects/project-1');
    expect(await screen.findByText(/You can see this project but not change it/)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'New application' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Add environment' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('answers a missing project (or one of another team) with the API’s problem', async () => {
    mockApi({
      ...routes(),
      '/api/v1/projects/project-1': () => problemResponse({ status: 404, title: 'Not Found', detail: 'No such project' }),
    });
    renderApp('/projects/project-1');
    expect((await screen.findByRole('alert')).textContent).toContain('No such project');
    expect(screen.getByRole('link', { name: 'Back to projects' })).toBeTruthy();
  });
});
