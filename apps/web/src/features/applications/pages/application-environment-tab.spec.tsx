import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Role } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { jsonResponse, mockApi, problemResponse, requestsTo } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { aPage } from '../../../test/servers-fixtures';
import { anEnvVar } from '../../../test/applications-fixtures';
import { aDatabase } from '../../../test/databases-fixtures';
import { applicationPageRoutes } from '../../../test/application-routes';
import { ApplicationEnvironmentTab } from './application-environment-tab';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const APP_ENV = '/api/v1/applications/app-1/env';
const SHARED_ENV = '/api/v1/environments/env-1/env';
const DATABASES = '/api/v1/databases?environmentId=env-1&page=1&perPage=100';

const OWN = anEnvVar({ key: 'DATABASE_URL', value: 'postgres://shop@db/shop' });
const LINKED = anEnvVar({
  id: 'var-5',
  key: 'READ_URL',
  value: 'postgres://${{ main-db.USER }}@${{ main-db.HOST }}/x',
  references: [
    { database: 'main-db', variable: 'USER' },
    { database: 'main-db', variable: 'HOST' },
  ],
});
const OVERRIDE = anEnvVar({ id: 'var-2', key: 'LOG_LEVEL', value: 'debug' });
const SHARED = anEnvVar({ id: 'var-3', scope: 'environment', key: 'SENTRY_DSN', value: 'https://k@sentry.example.com/1', buildTime: true });

function routes(role: Role = Role.Owner) {
  const masked = role === Role.Viewer;
  const hide = <T extends { value: string | null; masked: boolean }>(v: T): T => (masked ? { ...v, value: null, masked: true } : v);
  return {
    ...applicationPageRoutes(role),
    [APP_ENV]: () => jsonResponse([OWN, OVERRIDE, SHARED].map(hide)),
    [SHARED_ENV]: () => jsonResponse([SHARED, anEnvVar({ id: 'var-4', scope: 'environment', key: 'LOG_LEVEL', value: 'info' })].map(hide)),
  };
}

const appTable = () => within(screen.getByRole('region', { name: 'Environment variables' })).getByTestId('env-vars-table');

describe(ApplicationEnvironmentTab.name, () => {
  it('lists the effective variables with their scope, values masked until shown', async () => {
    mockApi(routes());
    renderApp('/applications/app-1/environment');

    await waitFor(() => expect(appTable()).toBeTruthy());
    const db = within(appTable()).getByTestId('env-var-DATABASE_URL');
    expect(within(db).getByTestId('env-var-scope').textContent).toBe('app');
    expect(within(appTable()).getByTestId('env-var-SENTRY_DSN').textContent).toContain('shared');
    expect(within(db).getByTestId('env-var-value').textContent).not.toContain('postgres://');

    fireEvent.click(within(db).getByRole('button', { name: 'Show DATABASE_URL' }));
    expect(within(db).getByTestId('env-var-value').textContent).toContain('postgres://shop@db/shop');

    // A shared variable is overridden here, edited where it is shared.
    const shared = within(appTable()).getByTestId('env-var-SENTRY_DSN');
    expect(within(shared).queryByRole('button', { name: 'Edit SENTRY_DSN' })).toBeNull();
    expect(within(shared).getByRole('button', { name: 'Override SENTRY_DSN' })).toBeTruthy();
    expect(shared.textContent).toContain('build + run');
  });

  it('marks each database a variable references, linking to its page, also to a viewer', async () => {
    const OTHER = anEnvVar({
      id: 'var-6',
      key: 'CACHE_URL',
      value: '${{ gone-cache.DATABASE_URL }}',
      references: [{ database: 'gone-cache', variable: 'DATABASE_URL' }],
    });
    const fetchMock = mockApi({
      ...routes(Role.Viewer),
      [APP_ENV]: () => jsonResponse([LINKED, OTHER, OWN].map((v) => ({ ...v, value: null, masked: true }))),
      [DATABASES]: () => jsonResponse(aPage([aDatabase()], { perPage: 100 })),
    });
    renderApp('/applications/app-1/environment');

    await waitFor(() => expect(appTable()).toBeTruthy());
    const row = within(appTable()).getByTestId('env-var-READ_URL');
    const chips = await within(row).findAllByRole('link');
    expect(chips.map((chip) => [chip.textContent, chip.getAttribute('href')])).toEqual([
      ['linked: main-db.USER', '/databases/db-1'],
      ['linked: main-db.HOST', '/databases/db-1'],
    ]);
    expect(chips[0].title).toBe('${{ main-db.USER }}: open main-db');
    expect(within(row).getByTestId('env-var-value').textContent).not.toContain('main-db');

    // A name no database of the environment has: a chip without a link, saying so.
    const missing = within(within(appTable()).getByTestId('env-var-CACHE_URL')).getByTestId('env-var-references');
    expect(missing.textContent).toBe('linked: gone-cache.DATABASE_URL');
    expect(within(missing).queryByRole('link')).toBeNull();
    expect(missing.querySelector('span')?.title).toContain('no database gone-cache in this environment');
    expect(within(within(appTable()).getByTestId('env-var-DATABASE_URL')).queryByTestId('env-var-references')).toBeNull();
    // One list of the environment's databases serves every chip.
    expect(requestsTo(fetchMock, DATABASES)).toHaveLength(1);
  });

  it('still shows the chips, without links, when the databases cannot be listed', async () => {
    mockApi({
      ...routes(),
      [APP_ENV]: () => jsonResponse([LINKED]),
      [DATABASES]: () => problemResponse({ status: 500, title: 'Internal Server Error' }),
    });
    renderApp('/applications/app-1/environment');

    const chips = await within(await waitFor(() => appTable())).findByTestId('env-var-references');
    expect(chips.textContent).toBe('linked: main-db.USERlinked: main-db.HOST');
    expect(within(chips).queryByRole('link')).toBeNull();
    expect(chips.querySelector('span')?.title).toBe('${{ main-db.USER }}');
  });

  it('shows a viewer masked values, saying why, and no way to change them', async () => {
    mockApi(routes(Role.Viewer));
    renderApp('/applications/app-1/environment');

    await waitFor(() => expect(appTable()).toBeTruthy());
    const db = within(appTable()).getByTestId('env-var-DATABASE_URL');
    expect(within(db).getByTestId('env-var-value').textContent).toBe('•••••••• hidden');
    expect(within(db).queryByRole('button', { name: 'Show DATABASE_URL' })).toBeNull();
    expect(screen.getAllByText('Values are hidden: your role (viewer) cannot read secrets.').length).toBeGreaterThan(0);
    expect((within(db).getByRole('button', { name: 'Edit DATABASE_URL' }) as HTMLButtonElement).disabled).toBe(true);
    for (const button of screen.getAllByRole('button', { name: 'Add variable' })) expect((button as HTMLButtonElement).disabled).toBe(true);
  });

  it('adds a variable with a value kept byte-exact, and shows the API’s error on the key', async () => {
    const fetchMock = mockApi({
      ...routes(),
      'PUT /api/v1/applications/app-1/env/1BAD': () =>
        problemResponse({
          status: 400,
          title: 'Validation failed',
          errors: [{ field: 'key', message: 'key must be a variable name: letters, digits and _, not starting with a digit' }],
        }),
      'PUT /api/v1/applications/app-1/env/API_KEY': () => jsonResponse(anEnvVar({ key: 'API_KEY' })),
    });
    renderApp('/applications/app-1/environment');
    const section = await screen.findByRole('region', { name: 'Environment variables' });

    fireEvent.click(within(section).getByRole('button', { name: 'Add variable' }));
    let dialog = screen.getByRole('dialog', { name: 'Add variable' });
    fireEvent.change(within(dialog).getByLabelText('Key'), { target: { value: '1BAD' } });
    fireEvent.change(within(dialog).getByLabelText('Value'), { target: { value: 'x' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    const key = within(dialog).getByLabelText('Key');
    await waitFor(() =>
      expect(document.getElementById(key.getAttribute('aria-describedby') ?? '')?.textContent).toMatch(/^key must be a variable name/),
    );

    fireEvent.change(key, { target: { value: 'API_KEY' } });
    const value = ' "quoted" $HOME # not a comment\nsecond line ';
    fireEvent.change(within(dialog).getByLabelText('Value'), { target: { value } });
    fireEvent.click(within(dialog).getByLabelText('Available at build time (build argument)'));
    dialog = screen.getByRole('dialog', { name: 'Add variable' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, '/api/v1/applications/app-1/env/API_KEY', 'PUT')[0].body).toEqual({ value, buildTime: true, runtime: true });
  });

  it('deletes a variable after asking', async () => {
    const fetchMock = mockApi({ ...routes(), 'DELETE /api/v1/applications/app-1/env/LOG_LEVEL': () => new Response(null, { status: 204 }) });
    renderApp('/applications/app-1/environment');
    await waitFor(() => expect(appTable()).toBeTruthy());

    fireEvent.click(within(appTable()).getByRole('button', { name: 'Delete LOG_LEVEL' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete LOG_LEVEL?' });
    expect(dialog.textContent).toContain('a shared variable of the same key then applies');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete variable' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, '/api/v1/applications/app-1/env/LOG_LEVEL', 'DELETE')).toHaveLength(1);
  });

  it('bulk-edits the application’s own variables as .env text and lists each refused line', async () => {
    const fetchMock = mockApi({
      ...routes(),
      [`PUT ${APP_ENV}`]: ({ body }) =>
        (body as { dotenv: string }).dotenv.includes('1BAD')
          ? problemResponse({
              status: 400,
              title: 'Validation failed',
              errors: [
                { field: 'dotenv', message: 'line 2: 1BAD: must be a variable name: letters, digits and _, not starting with a digit' },
                { field: 'dotenv', message: 'line 4: LOG_LEVEL: also set on line 3' },
              ],
            })
          : jsonResponse([OWN]),
    });
    renderApp('/applications/app-1/environment');
    const section = await screen.findByRole('region', { name: 'Environment variables' });
    await waitFor(() => expect(appTable()).toBeTruthy());

    fireEvent.click(within(section).getByRole('button', { name: 'Edit as .env' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit as .env' });
    const text = within(dialog).getByLabelText('.env') as HTMLTextAreaElement;
    // Only the application's own variables: the shared one is edited where it is shared.
    expect(text.value).toBe('DATABASE_URL=postgres://shop@db/shop\nLOG_LEVEL=debug');

    fireEvent.change(text, { target: { value: 'DATABASE_URL=postgres://shop@db/shop\n1BAD=x\nLOG_LEVEL=debug\nLOG_LEVEL=info' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Replace variables' }));

    const errors = await within(dialog).findByTestId('field-errors');
    expect(Array.from(errors.querySelectorAll('li')).map((li) => li.textContent)).toEqual([
      'Line 2 (1BAD=x): 1BAD: must be a variable name: letters, digits and _, not starting with a digit',
      'Line 4 (LOG_LEVEL=info): LOG_LEVEL: also set on line 3',
    ]);
    expect(text.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('dialog')).toBeTruthy();

    fireEvent.change(text, { target: { value: 'DATABASE_URL=postgres://shop@db/shop' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Replace variables' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, APP_ENV, 'PUT')[1].body).toEqual({
      dotenv: 'DATABASE_URL=postgres://shop@db/shop',
      buildTime: false,
      runtime: true,
    });
  });

  it('edits the environment’s shared variables below the application’s', async () => {
    const fetchMock = mockApi({ ...routes(), 'PUT /api/v1/environments/env-1/env/SENTRY_DSN': () => jsonResponse(SHARED) });
    renderApp('/applications/app-1/environment');
    const shared = await screen.findByRole('region', { name: 'Shared variables' });
    const row = await within(shared).findByTestId('env-var-SENTRY_DSN');

    fireEvent.click(within(row).getByRole('button', { name: 'Edit SENTRY_DSN' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit SENTRY_DSN' });
    expect((within(dialog).getByLabelText('Value') as HTMLTextAreaElement).value).toBe('https://k@sentry.example.com/1');
    fireEvent.change(within(dialog).getByLabelText('Value'), { target: { value: 'https://k2@sentry.example.com/1' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, '/api/v1/environments/env-1/env/SENTRY_DSN', 'PUT')[0].body).toEqual({
      value: 'https://k2@sentry.example.com/1',
      buildTime: true,
      runtime: true,
    });
  });
});
