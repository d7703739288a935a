import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Role } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { aProject, anEnvironment } from '../../../test/applications-fixtures';
import { aDatabase, aDatabaseOperation } from '../../../test/databases-fixtures';
import { aMe, aMembership, readyReadiness } from '../../../test/fixtures';
import { jsonResponse, mockApi, requestsTo, validationProblem } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { aPage, aServer } from '../../../test/servers-fixtures';
import { EnvironmentDatabases } from './environment-databases';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const DATABASES = '/api/v1/databases?environmentId=env-1&page=1&perPage=20';

function routes(role: Role = Role.Owner, databases = [aDatabase()]) {
  return {
    '/api/v1/me': () => jsonResponse(aMe({ teams: [aMembership({ role })] })),
    '/api/ready': () => jsonResponse(readyReadiness),
    '/api/v1/projects/project-1': () => jsonResponse(aProject()),
    '/api/v1/projects/project-1/environments?page=1&perPage=100': () => jsonResponse(aPage([anEnvironment()], { perPage: 100 })),
    '/api/v1/servers?page=1&perPage=100': () =>
      jsonResponse(aPage([aServer(), aServer({ id: 'server-2', name: 'db-box', host: '203.0.113.20' })], { perPage: 100 })),
    '/api/v1/applications?environmentId=env-1&page=1&perPage=20': () => jsonResponse(aPage([])),
    '/api/v1/environments/env-1/env': () => jsonResponse([]),
    [DATABASES]: () => jsonResponse(aPage(databases)),
  };
}

const section = () => screen.getByRole('region', { name: 'Databases' });

/** Opens the create dialog from the empty state of an environment without databases. */
async function openCreateDialog() {
  fireEvent.click(await within(await screen.findByTestId('databases-empty')).findByRole('button', { name: 'New database' }));
  return screen.getByRole('dialog', { name: 'New database' });
}

describe(EnvironmentDatabases.name, () => {
  it('lists the environment’s databases beside its applications: engine, image, status with its reason, server', async () => {
    mockApi(
      routes(Role.Owner, [
        aDatabase(),
        aDatabase({
          id: 'db-2',
          name: 'cache',
          engine: 'redis',
          image: 'redis:7',
          status: 'failed',
          statusReason: 'port 6379 is taken',
          publicPort: 16379,
        }),
      ]),
    );
    renderApp('/projects/project-1');

    const row = await screen.findByTestId('database-main-db');
    expect(within(row).getByRole('link', { name: 'main-db' }).getAttribute('href')).toBe('/databases/db-1');
    expect(row.textContent).toContain('PostgreSQL');
    expect(row.textContent).toContain('postgres:17');
    expect(within(row).getByTestId('database-status').textContent).toBe('Running');
    await waitFor(() => expect(within(row).getByRole('link', { name: 'web-1' }).getAttribute('href')).toBe('/servers/server-1'));

    const cache = screen.getByTestId('database-cache');
    expect(within(cache).getByTestId('database-status').title).toBe('port 6379 is taken');
    expect(cache.textContent).toContain('16379');
    expect(within(section()).getByRole('heading', { name: 'Databases in production' })).toBeTruthy();
  });

  it('pages through many databases', async () => {
    const first = Array.from({ length: 20 }, (_, i) => aDatabase({ id: `db-${i}`, name: `db-${i}` }));
    mockApi({
      ...routes(),
      [DATABASES]: () => jsonResponse(aPage(first, { total: 21 })),
      '/api/v1/databases?environmentId=env-1&page=2&perPage=20': () =>
        jsonResponse(aPage([aDatabase({ id: 'db-20', name: 'db-20' })], { page: 2, total: 21 })),
    });
    renderApp('/projects/project-1');

    await screen.findByTestId('database-db-0');
    const pages = within(section()).getByRole('navigation', { name: 'Database pages' });
    expect(within(pages).getByTestId('pagination-summary').textContent).toBe('1–20 of 21');
    fireEvent.click(within(pages).getByRole('button', { name: 'Next' }));
    expect(await screen.findByTestId('database-db-20')).toBeTruthy();
  });

  it('creates a PostgreSQL database on the chosen server with optional names, then opens it', async () => {
    const fetchMock = mockApi({
      ...routes(Role.Owner, []),
      'POST /api/v1/databases': () =>
        jsonResponse({ database: aDatabase({ status: 'creating' }), operation: aDatabaseOperation({ status: 'queued' }) }, 202),
      '/api/v1/databases/db-1': () => jsonResponse(aDatabase({ status: 'creating' })),
      '/api/v1/databases/db-1/operations?page=1&perPage=10': () => jsonResponse(aPage([], { perPage: 10 })),
      '/api/v1/servers/server-2': () => jsonResponse(aServer({ id: 'server-2', name: 'db-box' })),
    });
    const { router } = renderApp('/projects/project-1');

    const dialog = await openCreateDialog();
    expect((within(dialog).getByLabelText('Image') as HTMLInputElement).value).toBe('postgres:17');
    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'Main-DB' } });
    fireEvent.change(within(dialog).getByLabelText('Server'), { target: { value: 'server-2' } });
    expect((within(dialog).getByLabelText('Database name (optional)') as HTMLInputElement).placeholder).toBe('main_db');
    fireEvent.change(within(dialog).getByLabelText('User name (optional)'), { target: { value: 'shop' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create database' }));

    await waitFor(() => expect(router.state.location.pathname).toBe('/databases/db-1'));
    expect(requestsTo(fetchMock, '/api/v1/databases', 'POST').map((r) => r.body)).toEqual([
      { environmentId: 'env-1', serverId: 'server-2', name: 'main-db', engine: 'postgresql', userName: 'shop' },
    ]);
  });

  it('shows each engine’s default image, keeps one typed, and asks Redis for no SQL names', async () => {
    const fetchMock = mockApi({
      ...routes(Role.Owner, []),
      'POST /api/v1/databases': () => jsonResponse({ database: aDatabase({ engine: 'redis' }), operation: aDatabaseOperation() }, 202),
      '/api/v1/databases/db-1': () => jsonResponse(aDatabase({ engine: 'redis' })),
      '/api/v1/databases/db-1/operations?page=1&perPage=10': () => jsonResponse(aPage([], { perPage: 10 })),
      '/api/v1/servers/server-1': () => jsonResponse(aServer()),
    });
    renderApp('/projects/project-1');
    const dialog = await openCreateDialog();
    const image = () => (within(dialog).getByLabelText('Image') as HTMLInputElement).value;

    fireEvent.click(within(dialog).getByRole('radio', { name: /MariaDB/ }));
    expect(image()).toBe('mariadb:11');
    // MySQL is in the catalogue but not offered (OFFERED_DATABASE_ENGINES): no choice for it.
    expect(
      within(dialog)
        .getAllByRole('radio')
        .map((radio) => radio.closest('label')?.textContent),
    ).toEqual([expect.stringContaining('postgres:17'), expect.stringContaining('mariadb:11'), expect.stringContaining('redis:7')]);
    fireEvent.click(within(dialog).getByRole('radio', { name: /Redis/ }));
    expect(image()).toBe('redis:7');
    expect(within(dialog).queryByLabelText('Database name (optional)')).toBeNull();
    fireEvent.change(within(dialog).getByLabelText('Image'), { target: { value: 'redis:7.2-alpine' } });
    fireEvent.click(within(dialog).getByRole('radio', { name: /PostgreSQL/ }));
    expect(image()).toBe('redis:7.2-alpine');
    fireEvent.click(within(dialog).getByRole('radio', { name: /Redis/ }));

    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'cache' } });
    fireEvent.change(within(dialog).getByLabelText('Server'), { target: { value: 'server-1' } });
    fireEvent.change(within(dialog).getByLabelText('Memory limit (MiB)'), { target: { value: '256' } });
    fireEvent.change(within(dialog).getByLabelText('CPU limit (CPUs)'), { target: { value: '0.5' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create database' }));

    await waitFor(() => expect(requestsTo(fetchMock, '/api/v1/databases', 'POST')).toHaveLength(1));
    expect(requestsTo(fetchMock, '/api/v1/databases', 'POST')[0].body).toEqual({
      environmentId: 'env-1',
      serverId: 'server-1',
      name: 'cache',
      engine: 'redis',
      image: 'redis:7.2-alpine',
      memoryLimitMb: 256,
      cpuLimit: 0.5,
    });
  });

  it('warns that a public port is reachable from the internet, and shows the API’s errors under their fields', async () => {
    const fetchMock = mockApi({
      ...routes(Role.Owner, []),
      'POST /api/v1/databases': () =>
        validationProblem(
          { field: 'name', message: 'an application or database of this environment is already named main-db' },
          { field: 'publicPort', message: 'port 5432 is already published by another database on this server' },
        ),
    });
    renderApp('/projects/project-1');
    const dialog = await openCreateDialog();

    expect(within(dialog).queryByTestId('public-port-warning')).toBeNull();
    fireEvent.click(within(dialog).getByRole('checkbox', { name: /Reachable from the internet/ }));
    expect(within(dialog).getByTestId('public-port-warning').textContent).toContain('Anyone on the internet');
    expect((within(dialog).getByLabelText('Public port') as HTMLInputElement).value).toBe('5432');

    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'main-db' } });
    fireEvent.change(within(dialog).getByLabelText('Server'), { target: { value: 'server-1' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Create database' }));

    const name = within(dialog).getByLabelText('Name');
    await waitFor(() =>
      expect(document.getElementById(name.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
        'an application or database of this environment is already named main-db',
      ),
    );
    const port = within(dialog).getByLabelText('Public port');
    expect(port.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(port.getAttribute('aria-describedby') ?? '')?.textContent).toContain('already published');
    // Both are shown at their fields, not repeated above the buttons.
    expect(within(dialog).queryByRole('alert')).toBeNull();
    expect(requestsTo(fetchMock, '/api/v1/databases', 'POST')[0].body).toMatchObject({ publicPort: 5432 });
  });

  it('asks for a server first when the team has none', async () => {
    mockApi({ ...routes(Role.Owner, []), '/api/v1/servers?page=1&perPage=100': () => jsonResponse(aPage([], { perPage: 100 })) });
    renderApp('/projects/project-1');
    const dialog = await openCreateDialog();
    expect(await within(dialog).findByRole('link', { name: 'Add a server' })).toBeTruthy();
  });

  it('lets a viewer see the databases but not create one', async () => {
    mockApi(routes(Role.Viewer, []));
    renderApp('/projects/project-1');
    const empty = await screen.findByTestId('databases-empty');
    expect(empty.textContent).toContain('No databases in production yet');
    for (const button of within(section()).getAllByRole('button', { name: 'New database' })) {
      expect((button as HTMLButtonElement).disabled).toBe(true);
    }
  });
});
