import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { type BackupDto, type BackupScheduleDto, Role } from '@zpanel/contracts';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { DESTINATIONS, SHA, aBackup, aBackupWithLog, aDestination, aRestoreWithLog, aSchedule } from '../../../test/backups-fixtures';
import { aDatabase, aDatabaseOperation } from '../../../test/databases-fixtures';
import { emitLiveEvent, refuseLiveSubscriptions, pageSubscriptions } from '../../../test/fake-socket';
import { aMe, aMembership, readyReadiness } from '../../../test/fixtures';
import { jsonResponse, mockApi, refusal, requestsTo, validationProblem } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { aPage, aServer } from '../../../test/servers-fixtures';
import { DatabaseBackupsTab } from './database-backups-tab';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

afterEach(() => {
  vi.unstubAllGlobals();
});

const DATABASE = '/api/v1/databases/db-1';
const SCHEDULES = '/api/v1/backup-schedules?databaseId=db-1&page=1&perPage=100';
const BACKUPS = '/api/v1/backups?databaseId=db-1&page=1&perPage=10';

function routes({
  role = Role.Owner,
  schedules = [aSchedule()],
  backups = [aBackup()],
}: { role?: Role; schedules?: BackupScheduleDto[]; backups?: BackupDto[] } = {}) {
  return {
    '/api/v1/me': () => jsonResponse(aMe({ teams: [aMembership({ role })] })),
    '/api/ready': () => jsonResponse(readyReadiness),
    [DATABASE]: () => jsonResponse(aDatabase()),
    '/api/v1/servers/server-1': () => jsonResponse(aServer()),
    [`${DATABASE}/operations?page=1&perPage=10`]: () => jsonResponse(aPage([aDatabaseOperation()], { perPage: 10 })),
    [SCHEDULES]: () => jsonResponse(aPage(schedules, { perPage: 100 })),
    [BACKUPS]: () => jsonResponse(aPage(backups, { perPage: 10 })),
    [DESTINATIONS]: () => jsonResponse([aDestination()]),
  };
}

interface FakeUpload {
  request: {
    method: string;
    url: string;
    headers: Headers;
    status: number;
    responseText: string;
    onload?: () => void;
    upload: { onprogress?: (event: { loaded: number; total: number; lengthComputable: boolean }) => void };
  };
  body: File;
}

/** Uploads sent through XMLHttpRequest, answered with `contentType` once the test sets their status and text. */
function stubUploads(contentType: string) {
  const sent: { url: string; status: number; responseText: string; onload?: () => void }[] = [];
  vi.stubGlobal(
    'XMLHttpRequest',
    class {
      upload = {};
      status = 0;
      statusText = '';
      responseText = '';
      url = '';
      onload?: () => void;
      open(_method: string, url: string) {
        this.url = url;
      }
      setRequestHeader() {}
      getResponseHeader(name: string) {
        return name.toLowerCase() === 'content-type' ? contentType : null;
      }
      send() {
        sent.push(this);
      }
    },
  );
  return sent;
}

/** A dialog's submission, the list refreshed, then the run asked for: more than the default second on a loaded machine. */
const AFTER_REQUESTS = { timeout: 4_000 };

const row = (id: string) => screen.findByTestId(`backup-${id}`);

describe(DatabaseBackupsTab.name, () => {
  it('says so when the database has no schedules and no backups yet', async () => {
    mockApi(routes({ schedules: [], backups: [] }));
    renderApp('/databases/db-1/backups');

    expect((await screen.findByTestId('backup-schedules-empty', {}, { timeout: 5_000 })).textContent).toContain('No schedules');
    expect((await screen.findByTestId('backups-empty')).textContent).toBe('No backups yet.');
    expect(screen.getByRole('link', { name: 'Backups' }).getAttribute('aria-current')).toBe('page');
    // The file's first render compiles the whole app: more than 5 s under load.
  }, 15_000);

  it('lists the schedules and each backup with its size, duration, checksum and what its verification checked', async () => {
    const writeText = vi.fn(async () => undefined);
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const failed = aBackup({
      id: 'backup-2',
      trigger: 'manual',
      status: 'failed',
      reason: 'S3 answered 403 AccessDenied on PutObject',
      reasonCode: 'backup.upload_failed',
      sha256: null,
      sizeBytes: null,
      verification: 'none',
      verifiedAt: null,
      verificationDetail: null,
    });
    mockApi(routes({ backups: [failed, aBackup()] }));
    renderApp('/databases/db-1/backups');

    const schedule = await screen.findByTestId('backup-schedule-sched-1');
    expect(schedule.textContent).toContain('At 03:00 every day');
    expect(schedule.textContent).toContain('0 3 * * *');
    expect(schedule.textContent).toContain('Europe/Paris');
    expect(schedule.textContent).toContain('in 5 hours');
    expect(schedule.textContent).toContain('at most 7 backups');
    await waitFor(() => expect(schedule.textContent).toContain('offsite'));

    const good = await row('backup-1');
    expect(good.textContent).toContain('Succeeded');
    expect(good.textContent).toContain('5.0 MB');
    expect(good.textContent).toContain('1 min 12 s');
    expect(within(good).getByText(SHA.slice(0, 12)).getAttribute('title')).toBe(`SHA-256 ${SHA}`);
    const verification = within(good).getByTestId('backup-verification');
    expect(verification.textContent).toContain('Verified');
    expect(verification.textContent).toContain('18 hours ago');
    expect(within(good).getByTestId('backup-verification-detail').textContent).toBe('2 tables, 6,000 rows restored and matched');
    fireEvent.click(within(good).getByRole('button', { name: 'Copy' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith(SHA));

    const bad = await row('backup-2');
    expect(bad.textContent).toContain('Failed');
    expect(within(bad).getByTestId('backup-reason').textContent).toBe('S3 answered 403 AccessDenied on PutObject');
    expect(within(bad).getByTestId('backup-verification').textContent).toContain('Not verified');
    expect(within(bad).queryByRole('button', { name: /^Restore/ })).toBeNull();
    expect(screen.queryByTestId('backup-missed')).toBeNull();
  });

  it('warns when a schedule has not produced a verified backup in time', async () => {
    mockApi(routes({ schedules: [aSchedule({ missedSince: new Date(Date.now() - 2 * 86_400_000).toISOString() })] }));
    renderApp('/databases/db-1/backups');

    const warning = await screen.findByTestId('backup-missed');
    expect(warning.textContent).toContain('No verified backup since 2 days ago');
    expect(warning.textContent).toContain('At 03:00 every day');
  });

  it('adds a schedule, showing the API’s words under the field it refused', async () => {
    let posts = 0;
    const fetchMock = mockApi({
      ...routes({ schedules: [] }),
      'POST /api/v1/backup-schedules': () => {
        posts += 1;
        return posts === 1
          ? validationProblem({ field: 'cron', message: 'cron: expected 5 fields, got 4' })
          : jsonResponse(aSchedule({ cron: '0 3 * * 1' }), 201);
      },
    });
    renderApp('/databases/db-1/backups');

    fireEvent.click(await screen.findByRole('button', { name: 'Add schedule' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add a schedule' });
    fireEvent.change(within(dialog).getByLabelText('Destination'), { target: { value: 'dest-1' } });
    fireEvent.change(within(dialog).getByLabelText('When (cron)'), { target: { value: '0 3 * *' } });
    fireEvent.change(within(dialog).getByLabelText('Time zone'), { target: { value: 'Europe/Paris' } });
    fireEvent.change(within(dialog).getByLabelText('Keep for at most (days)'), { target: { value: '30' } });
    fireEvent.click(within(dialog).getByLabelText('Verify each backup by restoring it into a throwaway container'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add schedule' }));

    const cron = within(dialog).getByLabelText('When (cron)');
    await waitFor(() => expect(cron.getAttribute('aria-invalid')).toBe('true'));
    expect(within(dialog).getByText('cron: expected 5 fields, got 4')).toBeTruthy();
    expect(requestsTo(fetchMock, '/api/v1/backup-schedules', 'POST')[0].body).toEqual({
      databaseId: 'db-1',
      destinationId: 'dest-1',
      cron: '0 3 * *',
      timezone: 'Europe/Paris',
      retentionCount: 7,
      retentionDays: 30,
      verifyAfterBackup: false,
      timeoutMinutes: 60,
      enabled: true,
    });

    fireEvent.change(cron, { target: { value: '0 3 * * 1' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add schedule' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, '/api/v1/backup-schedules', 'POST')[1].body).toMatchObject({ cron: '0 3 * * 1' });
  }, 15_000);

  it('edits a schedule without touching the fields left alone, and deletes one after asking', async () => {
    const fetchMock = mockApi({
      ...routes(),
      'PATCH /api/v1/backup-schedules/sched-1': () => jsonResponse(aSchedule({ enabled: false })),
      'DELETE /api/v1/backup-schedules/sched-1': () => new Response(null, { status: 204 }),
    });
    renderApp('/databases/db-1/backups');

    fireEvent.click(await screen.findByRole('button', { name: 'Edit schedule At 03:00 every day' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit schedule' });
    // The expression in words and its next run, as typed.
    expect(within(dialog).getByText(/^At 03:00 · next /)).toBeTruthy();
    fireEvent.change(within(dialog).getByLabelText('When (cron)'), { target: { value: '*/30 * * * 1-5' } });
    expect(within(dialog).getByText(/^Every 30 minutes, Monday through Friday · next /)).toBeTruthy();
    fireEvent.change(within(dialog).getByLabelText('When (cron)'), { target: { value: '0 3 * * *' } });
    fireEvent.click(within(dialog).getByLabelText('Enabled'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save schedule' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, '/api/v1/backup-schedules/sched-1', 'PATCH')[0].body).toMatchObject({
      destinationId: 'dest-1',
      cron: '0 3 * * *',
      timezone: 'Europe/Paris',
      retentionCount: 7,
      retentionDays: null,
      enabled: false,
    });

    fireEvent.click(screen.getByRole('button', { name: 'Delete schedule At 03:00 every day' }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete this schedule?' });
    fireEvent.click(within(confirm).getByRole('button', { name: 'Delete schedule' }));
    await waitFor(() => expect(requestsTo(fetchMock, '/api/v1/backup-schedules/sched-1', 'DELETE')).toHaveLength(1));
  });

  it('backs up now to the chosen destination and shows the new run’s log', async () => {
    const queued = aBackupWithLog({
      id: 'backup-9',
      status: 'running',
      trigger: 'manual',
      log: 'pg_dump -Fc main_db\n',
      finishedAt: null,
      durationMs: null,
    });
    const fetchMock = mockApi({
      ...routes(),
      [`POST ${DATABASE}/backups`]: () => jsonResponse(queued, 202),
      '/api/v1/backups/backup-9': () => jsonResponse(queued),
    });
    renderApp('/databases/db-1/backups');

    fireEvent.click(await screen.findByRole('button', { name: 'Back up now' }));
    const dialog = await screen.findByRole('dialog', { name: 'Back up now' });
    // The schedule's destination is chosen first.
    expect((within(dialog).getByLabelText('Destination') as HTMLSelectElement).value).toBe('dest-1');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Back up now' }));

    expect((await screen.findByTestId('backup-run-log', {}, AFTER_REQUESTS)).textContent).toBe('pg_dump -Fc main_db\n');
    expect(screen.getByTestId('backup-run-status').dataset.status).toBe('running');
    expect(requestsTo(fetchMock, `${DATABASE}/backups`, 'POST')[0].body).toEqual({ destinationId: 'dest-1', verify: true });
  });

  it('restores over the same database only once its name is typed', async () => {
    const fetchMock = mockApi({
      ...routes(),
      'POST /api/v1/backups/backup-1/restores': () => jsonResponse(aRestoreWithLog({ target: 'same', databaseId: 'db-1' }), 202),
      '/api/v1/restores/restore-1': () => jsonResponse(aRestoreWithLog({ target: 'same', status: 'running', log: 'safety backup taken\n' })),
    });
    renderApp('/databases/db-1/backups');

    fireEvent.click(within(await row('backup-1')).getByRole('button', { name: /^Restore/ }));
    const dialog = await screen.findByRole('dialog', { name: /^Restore the backup/ });
    fireEvent.click(within(dialog).getByLabelText(/main-db itself/));
    const submit = within(dialog).getByRole('button', { name: 'Restore' }) as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    fireEvent.change(within(dialog).getByLabelText('Type main-db to confirm'), { target: { value: 'main-d' } });
    expect(submit.disabled).toBe(true);
    fireEvent.change(within(dialog).getByLabelText('Type main-db to confirm'), { target: { value: 'main-db' } });
    expect(submit.disabled).toBe(false);
    fireEvent.click(submit);

    expect((await screen.findByTestId('backup-run-log', {}, AFTER_REQUESTS)).textContent).toBe('safety backup taken\n');
    expect(requestsTo(fetchMock, '/api/v1/backups/backup-1/restores', 'POST')[0].body).toEqual({ target: 'same', confirmName: 'main-db' });
  });

  it('restores into a new database, with the API’s refusal of the name under it', async () => {
    const fetchMock = mockApi({
      ...routes(),
      'POST /api/v1/backups/backup-1/restores': () =>
        validationProblem({ field: 'newDatabaseName', message: 'a database named main-db already exists' }),
    });
    renderApp('/databases/db-1/backups');

    fireEvent.click(within(await row('backup-1')).getByRole('button', { name: /^Restore/ }));
    const dialog = await screen.findByRole('dialog', { name: /^Restore the backup/ });
    fireEvent.change(within(dialog).getByLabelText('New database name'), { target: { value: 'main-db' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Restore' }));

    expect(await within(dialog).findByText('a database named main-db already exists')).toBeTruthy();
    expect(requestsTo(fetchMock, '/api/v1/backups/backup-1/restores', 'POST')[0].body).toEqual({ target: 'new', newDatabaseName: 'main-db' });
  });

  it('restores into a new database, then says what the restore found there and links to the new database', async () => {
    const fetchMock = mockApi({
      ...routes(),
      'POST /api/v1/backups/backup-1/restores': () => jsonResponse(aRestoreWithLog({ target: 'new', databaseId: 'db-2' }), 202),
      '/api/v1/restores/restore-1': () =>
        jsonResponse(
          aRestoreWithLog({
            target: 'new',
            databaseId: 'db-2',
            status: 'succeeded',
            result: { tables: [{ name: 'public.drinks', rows: 3 }] },
            log: 'pg_restore --no-owner\n',
          }),
        ),
    });
    renderApp('/databases/db-1/backups');

    fireEvent.click(within(await row('backup-1')).getByRole('button', { name: /^Restore/ }));
    const dialog = await screen.findByRole('dialog', { name: /^Restore the backup/ });
    fireEvent.change(within(dialog).getByLabelText('New database name'), { target: { value: 'orders-restored' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Restore' }));

    const log = await screen.findByRole('region', { name: 'Restore log' }, AFTER_REQUESTS);
    expect((await within(log).findByTestId('backup-run-result', {}, AFTER_REQUESTS)).textContent).toBe('Found after the restore: 1 table, 3 rows.');
    expect(within(log).getByRole('link', { name: 'Open the new database' }).getAttribute('href')).toBe('/databases/db-2');
    expect(requestsTo(fetchMock, '/api/v1/backups/backup-1/restores', 'POST')[0].body).toEqual({ target: 'new', newDatabaseName: 'orders-restored' });
  });

  it('says nothing was found and links nowhere while a restore over the same database runs', async () => {
    mockApi({
      ...routes(),
      '/api/v1/restores/restore-1': () =>
        jsonResponse(
          aRestoreWithLog({ target: 'same', databaseId: 'db-1', status: 'running', result: { tables: [] }, log: 'safety backup taken\n' }),
        ),
    });
    renderApp('/databases/db-1/backups?restore=restore-1');

    const log = await screen.findByRole('region', { name: 'Restore log' }, AFTER_REQUESTS);
    expect((await within(log).findByTestId('backup-run-log')).textContent).toBe('safety backup taken\n');
    expect(within(log).queryByTestId('backup-run-result')).toBeNull();
    expect(within(log).queryByRole('link')).toBeNull();
  });

  it('shows a backup a schedule started by itself: the schedules are asked again when the slot comes, the history once the schedule fired', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    onTestFinished(() => void vi.useRealTimers());
    const slot = Date.now() + 20_000;
    let schedule = aSchedule({ cron: '* * * * *', description: 'Every minute', nextRunAt: new Date(slot).toISOString() });
    let history: BackupDto[] = [];
    const fetchMock = mockApi({
      ...routes(),
      [SCHEDULES]: () => jsonResponse(aPage([schedule], { perPage: 100 })),
      [BACKUPS]: () => jsonResponse(aPage(history, { perPage: 10 })),
    });
    renderApp('/databases/db-1/backups');
    await screen.findByTestId('backups-empty', {}, AFTER_REQUESTS);

    // Not asked again before the slot.
    await act(async () => {
      await vi.advanceTimersByTimeAsync(15_000);
    });
    expect(requestsTo(fetchMock, SCHEDULES)).toHaveLength(1);
    expect(requestsTo(fetchMock, BACKUPS)).toHaveLength(1);

    // The worker fired it: the slot is its last run, and its backup is queued.
    schedule = { ...schedule, lastRunAt: new Date(slot).toISOString(), nextRunAt: new Date(slot + 60_000).toISOString() };
    history = [
      aBackup({
        id: 'backup-5',
        status: 'queued',
        startedAt: null,
        finishedAt: null,
        durationMs: null,
        sha256: null,
        sizeBytes: null,
        verification: 'none',
        verifiedAt: null,
        verificationDetail: null,
      }),
    ];
    await act(async () => {
      await vi.advanceTimersByTimeAsync(7_000);
    });
    await waitFor(() => expect(requestsTo(fetchMock, SCHEDULES)).toHaveLength(2));
    expect((await row('backup-5')).textContent).toContain('Queued');
  });

  it('verifies, downloads and deletes a backup, and shows a refusal of the delete', async () => {
    const fetchMock = mockApi({
      ...routes(),
      'POST /api/v1/backups/backup-1/verify': () => jsonResponse(aRestoreWithLog({ id: 'restore-2', target: 'verify' }), 202),
      '/api/v1/restores/restore-2': () =>
        jsonResponse(aRestoreWithLog({ id: 'restore-2', target: 'verify', status: 'succeeded', log: 'tables match\n' })),
      '/api/v1/backups/backup-1/download': () =>
        jsonResponse({
          url: 'https://s3.example.test/presigned?sig=1',
          expiresAt: new Date(Date.now() + 300_000).toISOString(),
          fileName: 'main-db.zpb',
        }),
      'DELETE /api/v1/backups/backup-1': () => refusal(409, 'A restore from this backup is running'),
    });
    renderApp('/databases/db-1/backups');

    const backup = await row('backup-1');
    fireEvent.click(within(backup).getByRole('button', { name: /^Verify/ }));
    expect((await screen.findByTestId('backup-run-log', {}, AFTER_REQUESTS)).textContent).toBe('tables match\n');
    expect(screen.getByText('Restore · verification (throwaway container)')).toBeTruthy();

    fireEvent.click(within(backup).getByRole('button', { name: /^Download/ }));
    const link = await screen.findByTestId('backup-download-link');
    expect(link.getAttribute('href')).toBe('https://s3.example.test/presigned?sig=1');
    expect(link.textContent).toBe('main-db.zpb');
    fireEvent.click(screen.getByRole('button', { name: 'Done' }));

    fireEvent.click(within(backup).getByRole('button', { name: /^Delete/ }));
    const confirm = await screen.findByRole('dialog', { name: 'Delete this backup?' });
    fireEvent.click(within(confirm).getByRole('button', { name: 'Delete backup' }));
    expect(await within(confirm).findByText('A restore from this backup is running')).toBeTruthy();
    expect(requestsTo(fetchMock, '/api/v1/backups/backup-1', 'DELETE')).toHaveLength(1);
  });

  it('follows the log of a running backup live, and asks for the history again when it ends', async () => {
    const running = aBackup({
      id: 'backup-3',
      status: 'running',
      finishedAt: null,
      durationMs: null,
      sha256: null,
      verification: 'none',
      verifiedAt: null,
    });
    let history = [running];
    const fetchMock = mockApi({
      ...routes(),
      [BACKUPS]: () => jsonResponse(aPage(history, { perPage: 10 })),
      '/api/v1/backups/backup-3': () => jsonResponse(aBackupWithLog({ ...running, log: 'pg_dump -Fc main_db\n' })),
    });
    renderApp('/databases/db-1/backups?backup=backup-3');

    const log = await screen.findByTestId('backup-run-log', {}, AFTER_REQUESTS);
    await waitFor(() => expect(pageSubscriptions()).toEqual([expect.objectContaining({ kind: 'backup', backupId: 'backup-3' })]));
    expect(log.textContent).toBe('pg_dump -Fc main_db\n');

    // The topic replays the log from its start, then goes on.
    const isBackup = (s: { kind: string }) => s.kind === 'backup';
    act(() => {
      emitLiveEvent(isBackup, { type: 'lines', lines: ['pg_dump -Fc main_db', 'uploading part 1'] });
    });
    expect(log.textContent).toBe('pg_dump -Fc main_db\nuploading part 1\n');

    const asked = requestsTo(fetchMock, BACKUPS).length;
    history = [aBackup({ id: 'backup-3' })];
    act(() => {
      emitLiveEvent(isBackup, { type: 'status', status: 'succeeded', reason: null, reasonCode: null });
    });
    expect(screen.getByTestId('backup-run-status').dataset.status).toBe('succeeded');
    await waitFor(() => expect(requestsTo(fetchMock, BACKUPS).length).toBeGreaterThan(asked));
    await waitFor(async () => expect(within(await row('backup-3')).getByTestId('backup-verification').textContent).toContain('Verified'));
  });

  it('falls back to the stored log of a running backup when the live topic is refused', async () => {
    refuseLiveSubscriptions({ ok: false, status: 503, code: 'unavailable', message: 'live events are unavailable' });
    onTestFinished(() => refuseLiveSubscriptions(undefined));
    const running = aBackup({
      id: 'backup-3',
      status: 'running',
      finishedAt: null,
      durationMs: null,
      sha256: null,
      verification: 'none',
      verifiedAt: null,
    });
    mockApi({
      ...routes({ backups: [running] }),
      '/api/v1/backups/backup-3': () => jsonResponse(aBackupWithLog({ ...running, log: 'pg_dump -Fc main_db\n' })),
    });
    renderApp('/databases/db-1/backups?backup=backup-3');

    expect((await screen.findByTestId('backup-run-log', {}, AFTER_REQUESTS)).textContent).toBe('pg_dump -Fc main_db\n');
    expect((await screen.findByText(/Live log unavailable \(live events are unavailable\)/)).textContent).toContain('refreshed every few seconds');
  });

  it('uploads a dump to restore over the same database once its name is typed, showing its progress, then the restore’s log', async () => {
    const uploads: FakeUpload[] = [];
    vi.stubGlobal(
      'XMLHttpRequest',
      class {
        upload: { onprogress?: (event: { loaded: number; total: number; lengthComputable: boolean }) => void } = {};
        status = 0;
        statusText = '';
        responseText = '';
        withCredentials = false;
        headers = new Headers();
        onload?: () => void;
        onerror?: () => void;
        onabort?: () => void;
        url = '';
        method = '';
        open(method: string, url: string) {
          this.method = method;
          this.url = url;
        }
        setRequestHeader(name: string, value: string) {
          this.headers.set(name, value);
        }
        getResponseHeader(name: string) {
          return name.toLowerCase() === 'content-type' ? 'application/json' : null;
        }
        send(body: File) {
          uploads.push({ request: this, body });
        }
        abort() {
          this.onabort?.();
        }
      },
    );
    mockApi({
      ...routes(),
      '/api/v1/restores/restore-1': () => jsonResponse(aRestoreWithLog({ target: 'same', status: 'running', log: 'pg_restore --clean\n' })),
    });
    renderApp('/databases/db-1/backups');

    fireEvent.click(await screen.findByRole('button', { name: 'Restore from a file' }));
    const dialog = await screen.findByRole('dialog', { name: 'Restore from a file' });
    const file = new File(['PGDMP dump bytes'], 'main.dump', { type: 'application/octet-stream' });
    fireEvent.change(within(dialog).getByLabelText('Dump file'), { target: { files: [file] } });
    fireEvent.change(within(dialog).getByLabelText('Destination'), { target: { value: 'dest-1' } });
    const submit = within(dialog).getByRole('button', { name: 'Upload and restore' }) as HTMLButtonElement;
    fireEvent.click(within(dialog).getByLabelText(/main-db itself/));
    expect(submit.disabled).toBe(true);
    fireEvent.change(within(dialog).getByLabelText('Type main-db to confirm'), { target: { value: 'main-d' } });
    expect(submit.disabled).toBe(true);
    fireEvent.change(within(dialog).getByLabelText('Type main-db to confirm'), { target: { value: 'main-db' } });
    expect(submit.disabled).toBe(false);
    fireEvent.click(submit);

    await waitFor(() => expect(uploads).toHaveLength(1));
    const [{ request, body }] = uploads;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/api/v1/databases/db-1/restores/upload?destinationId=dest-1&target=same&confirmName=main-db');
    expect(request.headers.get('Authorization')).toBe('Bearer access-token-1');
    expect(request.headers.get('x-zpanel-team')).toBe('team-1');
    expect(body).toBe(file);
    act(() => request.upload.onprogress?.({ loaded: 8, total: 16, lengthComputable: true }));
    expect(within(dialog).getByTestId('upload-progress').textContent).toBe('8 B of 16 B sent');

    act(() => {
      request.status = 202;
      request.responseText = JSON.stringify(aRestoreWithLog({ target: 'same' }));
      request.onload?.();
    });
    expect((await screen.findByTestId('backup-run-log', {}, AFTER_REQUESTS)).textContent).toBe('pg_restore --clean\n');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('uploads a dump into a new database without the name typed, then links to the new database', async () => {
    const sent = stubUploads('application/json');
    mockApi({
      ...routes(),
      '/api/v1/restores/restore-1': () =>
        jsonResponse(aRestoreWithLog({ target: 'new', databaseId: 'db-2', status: 'succeeded', log: 'pg_restore --no-owner\n' })),
    });
    renderApp('/databases/db-1/backups');

    fireEvent.click(await screen.findByRole('button', { name: 'Restore from a file' }));
    const dialog = await screen.findByRole('dialog', { name: 'Restore from a file' });
    fireEvent.change(within(dialog).getByLabelText('Dump file'), { target: { files: [new File(['PGDMP'], 'main.dump')] } });
    fireEvent.change(within(dialog).getByLabelText('Destination'), { target: { value: 'dest-1' } });
    // A new database is the choice offered first, as when restoring a backup: nothing to type but its name.
    expect(within(dialog).queryByLabelText('Type main-db to confirm')).toBeNull();
    const submit = within(dialog).getByRole('button', { name: 'Upload and restore' }) as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    fireEvent.change(within(dialog).getByLabelText('New database name'), { target: { value: ' orders-from-file ' } });
    expect(submit.disabled).toBe(false);
    fireEvent.click(submit);

    await waitFor(() => expect(sent).toHaveLength(1));
    const [request] = sent;
    expect(request.url).toBe('/api/v1/databases/db-1/restores/upload?destinationId=dest-1&target=new&newDatabaseName=orders-from-file');
    act(() => {
      request.status = 202;
      request.responseText = JSON.stringify(aRestoreWithLog({ target: 'new', databaseId: 'db-2' }));
      request.onload?.();
    });
    const log = await screen.findByRole('region', { name: 'Restore log' }, AFTER_REQUESTS);
    expect((await within(log).findByRole('link', { name: 'Open the new database' }, AFTER_REQUESTS)).getAttribute('href')).toBe('/databases/db-2');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it.each([
    ['the uploaded file', 'Dump file', 'orders-from-file', 400, 'body', 'body is not a pg_dump custom-format archive'],
    [
      'the new database’s name',
      'New database name',
      'main-db',
      409,
      'name',
      'name main-db is already used by a database or an application of this environment',
    ],
  ])('shows the API’s refusal of %s under its field', async (_what, label, name, status, field, message) => {
    const sent = stubUploads('application/problem+json');
    mockApi(routes());
    renderApp('/databases/db-1/backups');

    fireEvent.click(await screen.findByRole('button', { name: 'Restore from a file' }));
    const dialog = await screen.findByRole('dialog', { name: 'Restore from a file' });
    fireEvent.change(within(dialog).getByLabelText('Dump file'), { target: { files: [new File(['hello'], 'notes.txt')] } });
    fireEvent.change(within(dialog).getByLabelText('Destination'), { target: { value: 'dest-1' } });
    fireEvent.change(within(dialog).getByLabelText('New database name'), { target: { value: name } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Upload and restore' }));
    await waitFor(() => expect(sent).toHaveLength(1));
    const [request] = sent;
    act(() => {
      request.status = status;
      request.responseText = JSON.stringify({
        type: 'about:blank',
        title: 'Refused',
        status,
        code: status === 400 ? 'validation_failed' : 'conflict',
        traceId: 't',
        errors: [{ field, message }],
      });
      request.onload?.();
    });
    expect(await within(dialog).findByText(message)).toBeTruthy();
    expect(within(dialog).getByLabelText(label).getAttribute('aria-invalid')).toBe('true');
  });

  it('cancels a running backup', async () => {
    const running = aBackup({
      id: 'backup-3',
      status: 'running',
      finishedAt: null,
      durationMs: null,
      sha256: null,
      verification: 'none',
      verifiedAt: null,
    });
    const fetchMock = mockApi({
      ...routes({ backups: [running] }),
      'POST /api/v1/backups/backup-3/cancel': () => jsonResponse({ ...running, status: 'cancelled' }),
    });
    renderApp('/databases/db-1/backups');

    const backup = await row('backup-3');
    expect(within(backup).queryByRole('button', { name: /^Delete/ })).toBeNull();
    fireEvent.click(within(backup).getByRole('button', { name: /^Cancel/ }));
    await waitFor(() => expect(requestsTo(fetchMock, '/api/v1/backups/backup-3/cancel', 'POST')).toHaveLength(1));
  });

  it('lets a viewer see the backups but not start, restore or delete one', async () => {
    mockApi(routes({ role: Role.Viewer }));
    renderApp('/databases/db-1/backups');

    const backup = await row('backup-1');
    expect((within(backup).getByRole('button', { name: /^Restore/ }) as HTMLButtonElement).disabled).toBe(true);
    expect((within(backup).getByRole('button', { name: /^Delete/ }) as HTMLButtonElement).disabled).toBe(true);
    // A download hands out the object: read:sensitive, which a viewer lacks.
    expect((within(backup).getByRole('button', { name: /^Download/ }) as HTMLButtonElement).disabled).toBe(true);
    expect((within(backup).getByRole('button', { name: /^Log/ }) as HTMLButtonElement).disabled).toBe(false);
    expect((screen.getByRole('button', { name: 'Back up now' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Add schedule' }) as HTMLButtonElement).disabled).toBe(true);
  });
});
