import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { type DatabaseDto, type DatabaseOperationDto, Role } from '@zpanel/contracts';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { aDatabase, aDatabaseOperation, aDatabaseOperationWithLog, someCredentials } from '../../../test/databases-fixtures';
import { emitLiveEvent, refuseLiveSubscriptions, pageSubscriptions } from '../../../test/fake-socket';
import { aMe, aMembership, readyReadiness } from '../../../test/fixtures';
import { jsonResponse, mockApi, problemResponse, refusal, requestsTo, validationProblem } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { aPage, aServer } from '../../../test/servers-fixtures';
import { DatabasePage } from './database-page';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

afterEach(() => {
  vi.unstubAllGlobals();
});

const DATABASE = '/api/v1/databases/db-1';
const OPERATIONS = `${DATABASE}/operations?page=1&perPage=10`;
const CREATED = aDatabaseOperation();

function routes({
  role = Role.Owner,
  database = aDatabase(),
  operations = [CREATED],
}: { role?: Role; database?: DatabaseDto; operations?: DatabaseOperationDto[] } = {}) {
  return {
    '/api/v1/me': () => jsonResponse(aMe({ teams: [aMembership({ role })] })),
    '/api/ready': () => jsonResponse(readyReadiness),
    [DATABASE]: () => jsonResponse(database),
    '/api/v1/servers/server-1': () => jsonResponse(aServer()),
    [OPERATIONS]: () => jsonResponse(aPage(operations, { perPage: 10 })),
    [`${DATABASE}/operations/op-1`]: () => jsonResponse(aDatabaseOperationWithLog()),
  };
}

const actions = () => screen.getByTestId('database-actions');
const action = (name: string) => within(actions()).getByRole('button', { name }) as HTMLButtonElement;

describe(DatabasePage.name, () => {
  it('shows the engine, the status and how to connect, with the password hidden until revealed', async () => {
    const fetchMock = mockApi({ ...routes(), [`${DATABASE}/credentials`]: () => jsonResponse(someCredentials()) });
    renderApp('/databases/db-1');

    await waitFor(() => expect(screen.getByTestId('page-title').textContent).toBe('main-db'));
    await waitFor(() => expect(screen.getByText('PostgreSQL · postgres:17 on web-1')).toBeTruthy());
    expect(screen.getByTestId('database-status').textContent).toBe('Running');
    expect(screen.getByTestId('database-internal-host').textContent).toBe('zp-database-0f4c2a7e9b1d4e6f8a3c5b7d9e1f2a4c:5432');
    expect(screen.getByTestId('database-internal-url').textContent).toBe(
      'postgresql://main_db:••••••••@zp-database-0f4c2a7e9b1d4e6f8a3c5b7d9e1f2a4c:5432/main_db',
    );
    expect(screen.getByTestId('database-public-access').textContent).toContain('Zpanel network only');
    expect(screen.getByText('${{ main-db.DATABASE_URL }}')).toBeTruthy();
    expect(document.body.textContent).not.toContain(someCredentials().password);
    expect(requestsTo(fetchMock, `${DATABASE}/credentials`)).toEqual([]);

    fireEvent.click(screen.getByRole('button', { name: 'Reveal' }));
    expect((await screen.findByTestId('database-password')).textContent).toBe(someCredentials().password);
    expect(screen.getByTestId('database-internal-url').textContent).toBe(someCredentials().internalUrl);
    expect(screen.getByRole('button', { name: 'Copy password' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Copy internal URL' })).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Hide' }));
    expect(screen.queryByTestId('database-password')).toBeNull();
    expect(document.body.textContent).not.toContain(someCredentials().password);
  });

  it('copies a revealed password to the clipboard', async () => {
    const writeText = vi.fn(async () => undefined);
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    mockApi({
      ...routes(),
      [`${DATABASE}/credentials`]: () => jsonResponse(someCredentials({ publicUrl: 'postgresql://main_db:x@203.0.113.10:15432/main_db' })),
    });
    renderApp('/databases/db-1');

    fireEvent.click(await screen.findByRole('button', { name: 'Reveal' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Copy password' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(someCredentials().password));
    expect(screen.getByTestId('database-public-url').textContent).toBe('postgresql://main_db:x@203.0.113.10:15432/main_db');
  });

  it('says why a database is unhealthy, and where it is published to the internet', async () => {
    mockApi(routes({ database: aDatabase({ status: 'unhealthy', statusReason: 'pg_isready: no response', publicPort: 15432 }) }));
    renderApp('/databases/db-1');

    expect((await screen.findByTestId('database-status-reason')).textContent).toBe('pg_isready: no response');
    await waitFor(() => expect(screen.getByTestId('database-public-access').textContent).toContain('203.0.113.10:15432'));
    expect(screen.getByTestId('database-public-access').textContent).toContain('reachable from the internet');
  });

  it('shows a status the server check changed without being asked, as the page asks for the database again now and then', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    onTestFinished(() => void vi.useRealTimers());
    let database = aDatabase();
    mockApi({ ...routes(), [DATABASE]: () => jsonResponse(database) });
    renderApp('/databases/db-1');
    await waitFor(() => expect(screen.getByTestId('database-status').textContent).toBe('Running'));

    database = aDatabase({ status: 'unhealthy', statusReason: 'The container is gone', statusReasonCode: 'database.container_missing' });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(31_000);
    });
    await waitFor(() => expect(screen.getByTestId('database-status-reason').textContent).toBe('The container is gone'));
    expect(screen.getByTestId('database-status').textContent).toMatch(/^Unhealthy/);
  });

  it('stops a running database after asking, and shows the API’s refusal when another operation runs', async () => {
    let stops = 0;
    const fetchMock = mockApi({
      ...routes(),
      [`POST ${DATABASE}/stop`]: () => {
        stops += 1;
        return stops === 1
          ? refusal(409, 'Another operation (restart) is still running on this database')
          : jsonResponse({ operation: aDatabaseOperation({ id: 'op-2', kind: 'stop', status: 'queued' }) }, 202);
      },
    });
    renderApp('/databases/db-1');

    await screen.findByTestId('database-actions');
    expect(action('Start').disabled).toBe(true);
    expect(action('Start').title).toBe('The database is not stopped');
    fireEvent.click(action('Stop'));
    const dialog = screen.getByRole('dialog', { name: 'Stop main-db?' });
    expect(requestsTo(fetchMock, `${DATABASE}/stop`, 'POST')).toEqual([]);

    fireEvent.click(within(dialog).getByRole('button', { name: 'Stop database' }));
    expect((await within(dialog).findByRole('alert')).textContent).toContain('Another operation (restart) is still running');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Stop database' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, `${DATABASE}/stop`, 'POST')).toHaveLength(2);
  });

  it('starts a stopped database at once, and asks before rotating the password of a running one', async () => {
    const fetchMock = mockApi({
      ...routes({ database: aDatabase({ status: 'stopped' }) }),
      [`POST ${DATABASE}/start`]: () => jsonResponse({ operation: aDatabaseOperation({ id: 'op-2', kind: 'start', status: 'queued' }) }, 202),
    });
    renderApp('/databases/db-1');

    await screen.findByTestId('database-actions');
    expect(action('Rotate password').title).toBe('Only a running database can change its password');
    expect(action('Stop').disabled).toBe(true);
    fireEvent.click(action('Start'));
    await waitFor(() => expect(requestsTo(fetchMock, `${DATABASE}/start`, 'POST')).toHaveLength(1));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('rotates the password after saying that applications need a new deployment', async () => {
    const fetchMock = mockApi({
      ...routes(),
      [`POST ${DATABASE}/rotate-password`]: () =>
        jsonResponse({ operation: aDatabaseOperation({ id: 'op-2', kind: 'rotate-password', status: 'queued' }) }, 202),
    });
    renderApp('/databases/db-1');

    await screen.findByTestId('database-actions');
    fireEvent.click(action('Rotate password'));
    const dialog = screen.getByRole('dialog', { name: 'Rotate the password of main-db?' });
    expect(dialog.textContent).toContain('redeploy them');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Rotate password' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, `${DATABASE}/rotate-password`, 'POST')).toHaveLength(1);
  });

  it('follows an operation in progress: actions wait for it, its log shows, and the database is asked again when it ends', async () => {
    const running = aDatabaseOperation({ id: 'op-2', kind: 'restart', status: 'running', finishedAt: null });
    let operations = [running, CREATED];
    let database = aDatabase({ status: 'unhealthy', statusReason: 'restarting' });
    const fetchMock = mockApi({
      ...routes(),
      [DATABASE]: () => jsonResponse(database),
      [OPERATIONS]: () => jsonResponse(aPage(operations, { perPage: 10 })),
      [`${DATABASE}/operations/op-2`]: () => jsonResponse(aDatabaseOperationWithLog({ ...operations[0], log: 'Restarting zp-database-0f4c\n' })),
    });
    renderApp('/databases/db-1');

    expect((await screen.findByTestId('database-active-operation')).textContent).toContain('Restart in progress');
    expect(screen.getByRole('link', { name: 'View its log' }).getAttribute('href')).toBe('/databases/db-1/operations?operation=op-2');
    expect(action('Stop').title).toBe('Wait until the running operation (restart) ends');
    expect(action('Delete').disabled).toBe(false);
    expect((await screen.findByTestId('database-operation-log')).textContent).toContain('Restarting zp-database-0f4c');

    const asked = requestsTo(fetchMock, DATABASE).length;
    operations = [{ ...running, status: 'success', finishedAt: new Date().toISOString() }, CREATED];
    database = aDatabase();
    await waitFor(() => expect(screen.getByTestId('database-status').textContent).toBe('Running'), { timeout: 5_000 });
    expect(requestsTo(fetchMock, DATABASE).length).toBeGreaterThan(asked);
    expect(screen.queryByTestId('database-active-operation')).toBeNull();
  });

  it('follows the log of a running operation live, and asks for the database again when it ends', async () => {
    const creating = aDatabaseOperation({ status: 'running', finishedAt: null });
    let database = aDatabase({ status: 'creating' });
    const fetchMock = mockApi({
      ...routes({ database, operations: [creating] }),
      [DATABASE]: () => jsonResponse(database),
      [`${DATABASE}/operations/op-1`]: () => jsonResponse(aDatabaseOperationWithLog({ ...creating, log: 'Pulling postgres:17\n' })),
    });
    renderApp('/databases/db-1');

    const log = await screen.findByTestId('database-operation-log');
    await waitFor(() => expect(pageSubscriptions()).toEqual([expect.objectContaining({ kind: 'database-operation', operationId: 'op-1' })]));
    expect(log.textContent).toBe('Pulling postgres:17\n');

    // The topic replays the log from its start, then goes on.
    const isOperation = (s: { kind: string }) => s.kind === 'database-operation';
    act(() => {
      emitLiveEvent(isOperation, { type: 'lines', lines: ['Pulling postgres:17', 'Starting the container'] });
    });
    expect(log.textContent).toBe('Pulling postgres:17\nStarting the container\n');

    const asked = requestsTo(fetchMock, DATABASE).length;
    database = aDatabase();
    act(() => {
      emitLiveEvent(isOperation, { type: 'status', status: 'success', reason: null, reasonCode: null, databaseStatus: 'running' });
    });
    expect(screen.getByTestId('database-operation-status').dataset.status).toBe('success');
    await waitFor(() => expect(screen.getByTestId('database-status').textContent).toBe('Running'));
    expect(requestsTo(fetchMock, DATABASE).length).toBeGreaterThan(asked);
  });

  it('falls back to the stored log when the live topic is refused', async () => {
    refuseLiveSubscriptions({ ok: false, status: 503, code: 'unavailable', message: 'live events are unavailable' });
    onTestFinished(() => refuseLiveSubscriptions(undefined));
    const creating = aDatabaseOperation({ status: 'running', finishedAt: null });
    mockApi({
      ...routes({ database: aDatabase({ status: 'creating' }), operations: [creating] }),
      [`${DATABASE}/operations/op-1`]: () => jsonResponse(aDatabaseOperationWithLog({ ...creating, log: 'Pulling postgres:17\n' })),
    });
    renderApp('/databases/db-1');

    expect((await screen.findByTestId('database-operation-log')).textContent).toBe('Pulling postgres:17\n');
    expect((await screen.findByText(/Live log unavailable \(live events are unavailable\)/)).textContent).toContain('refreshed every few seconds');
  });

  it('deletes only after the name is typed, keeping the data volume unless asked', async () => {
    const fetchMock = mockApi({
      ...routes(),
      [`DELETE ${DATABASE}?deleteData=true`]: () =>
        jsonResponse({ operation: aDatabaseOperation({ id: 'op-3', kind: 'delete', status: 'queued' }) }, 202),
    });
    renderApp('/databases/db-1');

    await screen.findByTestId('database-actions');
    fireEvent.click(action('Delete'));
    const dialog = screen.getByRole('dialog', { name: 'Delete main-db?' });
    const confirm = () => within(dialog).getByRole('button', { name: /^Delete database/ }) as HTMLButtonElement;
    expect(confirm().disabled).toBe(true);
    expect(within(dialog).getByTestId('delete-data-note').textContent).toContain('stays on the server');

    fireEvent.change(within(dialog).getByLabelText('Database name'), { target: { value: 'main' } });
    expect(confirm().disabled).toBe(true);
    fireEvent.change(within(dialog).getByLabelText('Database name'), { target: { value: 'main-db' } });
    fireEvent.click(within(dialog).getByRole('checkbox', { name: 'Also delete the data volume' }));
    expect(within(dialog).getByTestId('delete-data-note').textContent).toContain('gone for good');
    expect(confirm().textContent).toBe('Delete database and data');
    fireEvent.click(confirm());

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, `${DATABASE}?deleteData=true`, 'DELETE')).toHaveLength(1);
  });

  it('says the database was deleted once the worker removed it', async () => {
    let gone = false;
    mockApi({
      ...routes({ operations: [] }),
      [DATABASE]: () =>
        gone ? problemResponse({ status: 404, title: 'Not Found', detail: 'No such database' }) : jsonResponse(aDatabase({ status: 'deleting' })),
    });
    renderApp('/databases/db-1');

    await waitFor(() => expect(screen.getByTestId('database-status').textContent).toBe('Deleting…'));
    expect(action('Delete').title).toBe('The database is being deleted');
    gone = true;
    expect((await screen.findByTestId('database-deleted', {}, { timeout: 5_000 })).textContent).toContain('main-db was deleted.');
  });

  it('lets a viewer see the database but not reveal its password or act on it', async () => {
    const fetchMock = mockApi(routes({ role: Role.Viewer }));
    renderApp('/databases/db-1');

    const reveal = (await screen.findByRole('button', { name: 'Reveal' })) as HTMLButtonElement;
    expect(reveal.disabled).toBe(true);
    expect(reveal.title).toBe('Your role (viewer) cannot read secrets');
    for (const name of ['Start', 'Stop', 'Restart', 'Rotate password', 'Delete']) expect(action(name).disabled).toBe(true);
    expect(screen.getByText(/You can see this database but not change it/)).toBeTruthy();
    expect(requestsTo(fetchMock, `${DATABASE}/credentials`)).toEqual([]);
  });

  it('answers a missing database (or one of another team) with the API’s problem', async () => {
    mockApi({ ...routes(), [DATABASE]: () => problemResponse({ status: 404, title: 'Not Found', detail: 'No such database' }) });
    renderApp('/databases/db-1');
    expect((await screen.findByRole('alert')).textContent).toContain('No such database');
    expect(screen.getByRole('link', { name: 'Back to projects' })).toBeTruthy();
  });

  describe('tabs', () => {
    it('lists the operations with how each ended, and shows the log of the one chosen', async () => {
      const failed = aDatabaseOperation({ id: 'op-2', kind: 'apply', status: 'failed', reason: 'image postgres:18 is a major upgrade' });
      mockApi({
        ...routes({ operations: [failed, CREATED] }),
        [`${DATABASE}/operations/op-2`]: () => jsonResponse(aDatabaseOperationWithLog({ ...failed, log: 'Checking the image tag\n' })),
      });
      renderApp('/databases/db-1/operations');

      const table = await screen.findByTestId('database-operations');
      expect(within(table).getByTestId('database-operation-op-2').textContent).toContain('image postgres:18 is a major upgrade');
      expect((await screen.findByTestId('database-operation-error')).textContent).toBe('image postgres:18 is a major upgrade');

      fireEvent.click(within(table).getByRole('button', { name: 'Create' }));
      await waitFor(() => expect(screen.getByTestId('database-operation-log').textContent).toContain('PostgreSQL accepts connections'));
      expect(within(table).getByTestId('database-operation-op-1').getAttribute('aria-current')).toBe('true');
    });

    it('says so when there are no operations', async () => {
      mockApi(routes({ operations: [] }));
      renderApp('/databases/db-1/operations');
      expect(await screen.findByText('No operations yet.')).toBeTruthy();
    });

    it('saves only the settings changed, with the API’s errors under their fields', async () => {
      let patches = 0;
      const fetchMock = mockApi({
        ...routes({ database: aDatabase({ publicPort: 15432, memoryLimitMb: 512 }) }),
        [`PATCH ${DATABASE}`]: () => {
          patches += 1;
          if (patches === 1) return validationProblem({ field: 'image', message: 'postgres:18 is a major upgrade: dump and restore instead' });
          return jsonResponse(
            {
              database: aDatabase({ image: 'postgres:17.2', publicPort: null, memoryLimitMb: 512 }),
              operation: aDatabaseOperation({ id: 'op-2', kind: 'apply', status: 'queued' }),
            },
            202,
          );
        },
      });
      renderApp('/databases/db-1/settings');

      const form = await screen.findByRole('form', { name: 'Database settings' });
      const save = within(form).getByRole('button', { name: 'Save settings' }) as HTMLButtonElement;
      expect(save.disabled).toBe(true);
      fireEvent.change(within(form).getByLabelText('Image'), { target: { value: 'postgres:18' } });
      fireEvent.click(within(form).getByRole('checkbox', { name: /Reachable from the internet/ }));
      fireEvent.click(save);

      const image = within(form).getByLabelText('Image');
      await waitFor(() => expect(image.getAttribute('aria-invalid')).toBe('true'));
      expect(document.getElementById(image.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
        'postgres:18 is a major upgrade: dump and restore instead',
      );

      fireEvent.change(image, { target: { value: 'postgres:17.2' } });
      fireEvent.click(save);
      expect(await within(form).findByText('Saved. The container is being recreated with the new settings.')).toBeTruthy();
      expect(requestsTo(fetchMock, DATABASE, 'PATCH').map((r) => r.body)).toEqual([
        { image: 'postgres:18', publicPort: null },
        { image: 'postgres:17.2', publicPort: null },
      ]);
    });

    it('follows the container’s logs by its name', async () => {
      mockApi(routes());
      renderApp('/databases/db-1/logs');
      await screen.findByTestId('container-logs');
      expect(pageSubscriptions()).toEqual([
        expect.objectContaining({ kind: 'container-logs', serverId: 'server-1', containerId: 'zp-database-0f4c2a7e9b1d4e6f8a3c5b7d9e1f2a4c' }),
      ]);
    });

    it('charts the container’s CPU and memory from its stats', async () => {
      mockApi({
        ...routes(),
        [`${DATABASE}/stats`]: () =>
          jsonResponse({ cpuPercent: 12, memoryBytes: 256 * 1024 ** 2, memoryLimitBytes: 1024 ** 3, sampledAt: new Date().toISOString() }),
      });
      renderApp('/databases/db-1/metrics');
      expect((await screen.findByTestId('metrics-chart-cpu-latest')).textContent).toBe('12 %');
      expect(screen.getByTestId('metrics-chart-memory-latest').textContent).toContain('25 %');
      expect(screen.getByTestId('metrics-chart-memory-latest').textContent).toContain('256 MB of 1.0 GB');
    });

    it('says so when the server’s checks have not seen the container lately', async () => {
      mockApi({
        ...routes({ database: aDatabase({ status: 'stopped' }) }),
        [`${DATABASE}/stats`]: () => jsonResponse({ cpuPercent: null, memoryBytes: null, memoryLimitBytes: null, sampledAt: null }),
      });
      renderApp('/databases/db-1/metrics');
      expect((await screen.findByTestId('database-metrics-empty')).textContent).toContain('No recent sample');
      expect(screen.queryByTestId('database-metrics-charts')).toBeNull();
    });
  });
});
