import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Role } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { anEnvVar } from '../../../test/applications-fixtures';
import { aDatabase } from '../../../test/databases-fixtures';
import { jsonResponse, mockApi, requestsTo, validationProblem } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { aPage } from '../../../test/servers-fixtures';
import { applicationPageRoutes } from '../../../test/application-routes';
import { LinkDatabaseDialog } from './link-database-dialog';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const APP_ENV = '/api/v1/applications/app-1/env';
const CHOICES = '/api/v1/databases?environmentId=env-1&page=1&perPage=100';

function routes(role: Role = Role.Owner, databases = [aDatabase(), aDatabase({ id: 'db-2', name: 'cache', engine: 'redis', image: 'redis:7' })]) {
  return {
    ...applicationPageRoutes(role),
    [APP_ENV]: () => jsonResponse([anEnvVar({ key: 'DATABASE_URL', value: 'postgres://old@db/shop' })]),
    '/api/v1/environments/env-1/env': () => jsonResponse([]),
    [CHOICES]: () => jsonResponse(aPage(databases, { perPage: 100 })),
  };
}

const appVariables = () => screen.getByRole('region', { name: 'Environment variables' });

async function openLinkDialog() {
  await waitFor(() => within(appVariables()).getByTestId('env-vars-table'));
  fireEvent.click(within(appVariables()).getByRole('button', { name: 'Link database' }));
  // The dialog shows a skeleton first, then the form (or the empty state) in its place.
  return screen.findByRole('dialog', { name: 'Link a database' });
}

describe(LinkDatabaseDialog.name, () => {
  it('sets an application variable to a reference to a database of its environment', async () => {
    const fetchMock = mockApi({
      ...routes(),
      [`PUT ${APP_ENV}/DATABASE_URL`]: ({ body }) => jsonResponse(anEnvVar({ key: 'DATABASE_URL', value: (body as { value: string }).value })),
    });
    renderApp('/applications/app-1/environment');

    await openLinkDialog();
    const form = await screen.findByRole('form', { name: 'Link a database' });
    expect(within(form).getByTestId('link-database-value').textContent).toBe('${{ main-db.DATABASE_URL }}');
    expect((within(form).getByLabelText('Variable name') as HTMLInputElement).value).toBe('DATABASE_URL');
    // The application already has the key: saving replaces it, and the dialog says so.
    expect(within(form).getByText('Replaces the current value of DATABASE_URL.')).toBeTruthy();
    fireEvent.click(within(form).getByRole('button', { name: 'Replace variable' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, `${APP_ENV}/DATABASE_URL`, 'PUT').map((r) => r.body)).toEqual([
      { value: '${{ main-db.DATABASE_URL }}', buildTime: false, runtime: true },
    ]);
  });

  it('picks another database and variable, naming the key after them until one is typed', async () => {
    let failed = false;
    const fetchMock = mockApi({
      ...routes(),
      [`PUT ${APP_ENV}/REDIS_HOST`]: () => jsonResponse(anEnvVar({ key: 'REDIS_HOST' })),
      [`PUT ${APP_ENV}/1CACHE`]: () => {
        failed = true;
        return validationProblem({ field: 'key', message: 'key must start with a letter or _' });
      },
    });
    renderApp('/applications/app-1/environment');

    await openLinkDialog();
    const form = await screen.findByRole('form', { name: 'Link a database' });
    fireEvent.change(within(form).getByLabelText('Database'), { target: { value: 'db-2' } });
    fireEvent.click(within(form).getByRole('radio', { name: /HOST/ }));
    expect(within(form).getByTestId('link-database-value').textContent).toBe('${{ cache.HOST }}');
    const key = within(form).getByLabelText('Variable name') as HTMLInputElement;
    expect(key.value).toBe('REDIS_HOST');

    fireEvent.change(key, { target: { value: '1CACHE' } });
    fireEvent.click(within(form).getByRole('radio', { name: /PORT/ }));
    expect(key.value).toBe('1CACHE');
    fireEvent.click(within(form).getByRole('button', { name: 'Add variable' }));
    await waitFor(() => expect(failed).toBe(true));
    await waitFor(() =>
      expect(document.getElementById(key.getAttribute('aria-describedby') ?? '')?.textContent).toBe('key must start with a letter or _'),
    );

    fireEvent.change(key, { target: { value: 'REDIS_HOST' } });
    fireEvent.click(within(form).getByRole('radio', { name: /HOST/ }));
    fireEvent.click(within(form).getByRole('button', { name: 'Add variable' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, `${APP_ENV}/REDIS_HOST`, 'PUT')[0].body).toEqual({ value: '${{ cache.HOST }}', buildTime: false, runtime: true });
  });

  it('points to the project page when the environment has no database', async () => {
    mockApi(routes(Role.Owner, []));
    renderApp('/applications/app-1/environment');

    await openLinkDialog();
    const empty = await screen.findByTestId('link-database-empty');
    expect(within(empty).getByRole('link', { name: 'Create one on the project page' }).getAttribute('href')).toBe(
      '/projects/project-1?environment=env-1',
    );
  });

  it('is refused to a viewer', async () => {
    mockApi(routes(Role.Viewer));
    renderApp('/applications/app-1/environment');
    await waitFor(() => within(appVariables()).getByTestId('env-vars-table'));
    expect((within(appVariables()).getByRole('button', { name: 'Link database' }) as HTMLButtonElement).disabled).toBe(true);
  });
});
