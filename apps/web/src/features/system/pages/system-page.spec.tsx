import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ErrorCode } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { INSTANCE_SCHEDULES, aBackup, aSchedule, instanceBackupRoutes } from '../../../test/backups-fixtures';
import { aMe, aSystemStatus, aWorker, readyReadiness, redisDownReadiness } from '../../../test/fixtures';
import { jsonResponse, mockApi, problemResponse, requestedUrls, requestsTo, validationProblem } from '../../../test/mock-api';
import { aPage } from '../../../test/servers-fixtures';
import { renderApp } from '../../../test/render-app';
import { SystemPage } from './system-page';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const ME = '/api/v1/me';
const READY = '/api/ready';
const STATUS = '/api/v1/system/status';
const PROBE = '/api/v1/system/status?probe=true';

describe(SystemPage.name, () => {
  it('lists each dependency and every worker with its queues', async () => {
    mockApi({
      ...instanceBackupRoutes(),
      [ME]: () => jsonResponse(aMe()),
      [READY]: () => jsonResponse(redisDownReadiness, 503),
      [STATUS]: () => jsonResponse(aSystemStatus({ workers: [aWorker(), aWorker({ id: 'w2', hostname: 'edge-2', queues: ['system', 'deploy'] })] })),
    });

    renderApp('/system');

    expect(screen.getByTestId('page-title').textContent).toBe('System');
    const redisRow = (await screen.findByText('Redis')).closest('tr');
    expect(redisRow?.textContent).toContain('Down');
    expect(redisRow?.textContent).toContain('connect ECONNREFUSED 127.0.0.1:6379');
    const edgeRow = (await screen.findByText('edge-2')).closest('tr');
    expect(edgeRow).not.toBeNull();
    expect(within(edgeRow as HTMLElement).getByText('deploy')).toBeTruthy();
    expect(screen.getByText('build-box-1')).toBeTruthy();
  });

  it('flags a repeating job that has not run for two of its periods', async () => {
    const stale = new Date(Date.now() - 3_600_000).toISOString();
    mockApi({
      ...instanceBackupRoutes(),
      [ME]: () => jsonResponse(aMe()),
      [READY]: () => jsonResponse(readyReadiness),
      [STATUS]: () =>
        jsonResponse(
          aSystemStatus({
            repeatingJobs: [
              { name: 'deployments.reap', everyMs: 15_000, lastRunAt: stale, overdue: true },
              { name: 'server.checks.tick', everyMs: 5_000, lastRunAt: new Date().toISOString(), overdue: false },
              { name: 'metrics.retention', everyMs: 3_600_000, lastRunAt: null, overdue: false },
            ],
          }),
        ),
    });
    renderApp('/system');

    const reaper = (await screen.findByText('deployments.reap')).closest('tr') as HTMLElement;
    expect(reaper.textContent).toContain('Overdue');
    expect(reaper.textContent).toContain('1 hour ago');
    expect((screen.getByText('server.checks.tick').closest('tr') as HTMLElement).textContent).toContain('On time');
    expect((screen.getByText('metrics.retention').closest('tr') as HTMLElement).textContent).toContain('Not run yet');
  });

  it('shows the round trip of a worker probe on demand', async () => {
    const fetchMock = mockApi({
      ...instanceBackupRoutes(),
      [ME]: () => jsonResponse(aMe()),
      [READY]: () => jsonResponse(readyReadiness),
      [STATUS]: () => jsonResponse(aSystemStatus()),
      [PROBE]: () => jsonResponse(aSystemStatus({ probe: { ok: true, roundTripMs: 42, workerId: 'worker-7f3a' } })),
    });
    renderApp('/system');

    fireEvent.click(screen.getByRole('button', { name: 'Check worker' }));

    await waitFor(() => expect(screen.getByText(/answered in 42 ms/)).toBeTruthy());
    expect(requestedUrls(fetchMock)).toContain(PROBE);
  });

  it('shows why a worker probe failed', async () => {
    mockApi({
      ...instanceBackupRoutes(),
      [ME]: () => jsonResponse(aMe()),
      [READY]: () => jsonResponse(readyReadiness),
      [STATUS]: () => jsonResponse(aSystemStatus({ workers: [] })),
      [PROBE]: () =>
        problemResponse({
          status: 503,
          title: 'No worker answered',
          code: ErrorCode.WorkerUnavailable,
          traceId: 'req-probe',
        }),
    });
    renderApp('/system');
    await screen.findByText(/No worker is running/);

    fireEvent.click(screen.getByRole('button', { name: 'Check worker' }));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('No worker answered');
    expect(alert.textContent).toContain('req-probe');
  });

  describe('instance backups', () => {
    const systemRoutes = () => ({
      [ME]: () => jsonResponse(aMe()),
      [READY]: () => jsonResponse(readyReadiness),
      [STATUS]: () => jsonResponse(aSystemStatus()),
    });

    it('says why someone who is not an instance operator cannot manage them', async () => {
      mockApi({
        ...systemRoutes(),
        '/api/v1/system/backups/access': () =>
          jsonResponse({ allowed: false, teamId: null, teamName: null, reason: 'Only owners of Analytical Engines manage instance backups' }),
      });
      renderApp('/system');

      expect((await screen.findByTestId('instance-backups-refused')).textContent).toBe('Only owners of Analytical Engines manage instance backups');
    });

    const instanceSchedule = (overrides: Parameters<typeof aSchedule>[0] = {}) =>
      aSchedule({ id: 'sched-i', teamId: null, sourceKind: 'instance', databaseId: null, description: 'At 02:00 every day', ...overrides });

    it('lists the instance’s schedules and backups on the instance’s routes; a backup downloads from the System route', async () => {
      const instanceBackup = aBackup({ id: 'backup-i', teamId: null, sourceKind: 'instance', databaseId: null, engine: 'postgresql' });
      const fetchMock = mockApi({
        ...systemRoutes(),
        ...instanceBackupRoutes(),
        [INSTANCE_SCHEDULES]: () =>
          jsonResponse(aPage([instanceSchedule({ missedSince: new Date(Date.now() - 2 * 86_400_000).toISOString() })], { perPage: 100 })),
        '/api/v1/system/backups?page=1&perPage=10': () => jsonResponse(aPage([instanceBackup], { perPage: 10 })),
        '/api/v1/system/backups/backup-i/download': () =>
          jsonResponse({ url: '/api/v1/system/backups/backup-i/download/file?token=t', expiresAt: new Date().toISOString(), fileName: 'i.zpbk' }),
      });
      renderApp('/system');

      const schedule = await screen.findByTestId('backup-schedule-sched-i');
      expect(schedule.textContent).toContain('At 02:00 every day');
      expect((await screen.findByTestId('backup-missed')).textContent).toContain('No verified backup since 2 days ago');
      const backup = await screen.findByTestId('backup-backup-i');
      expect(within(backup).getByTestId('backup-verification').textContent).toContain('Verified');
      // Restored on a fresh install (README), never over the running instance.
      expect(within(backup).queryByRole('button', { name: /^Restore/ })).toBeNull();
      expect(within(backup).queryByRole('button', { name: /^Delete/ })).toBeNull();
      fireEvent.click(within(backup).getByRole('button', { name: /^Download/ }));
      expect((await screen.findByTestId('backup-download-link')).getAttribute('href')).toBe('/api/v1/system/backups/backup-i/download/file?token=t');
      expect(requestsTo(fetchMock, INSTANCE_SCHEDULES)).toHaveLength(1);
      // Never the team's routes: the instance's schedules are no team's.
      expect(requestedUrls(fetchMock).filter((url) => url.startsWith('/api/v1/backup-schedules'))).toEqual([]);
    });

    it('says so when the instance has no schedules', async () => {
      mockApi({ ...systemRoutes(), ...instanceBackupRoutes() });
      renderApp('/system');
      expect((await screen.findByTestId('backup-schedules-empty')).textContent).toContain('No schedules');
    });

    it('shows the error when the schedules cannot be read', async () => {
      mockApi({
        ...systemRoutes(),
        ...instanceBackupRoutes(),
        [INSTANCE_SCHEDULES]: () =>
          problemResponse({ status: 503, title: 'Database unavailable', code: ErrorCode.ServiceUnavailable, traceId: 'req-s' }),
      });
      renderApp('/system');
      const schedules = await screen.findByRole('region', { name: 'Schedules' });
      await waitFor(() => expect(within(schedules).getByText(/Database unavailable/)).toBeTruthy());
      expect(within(schedules).queryByTestId('backup-schedules-empty')).toBeNull();
    });

    it('adds a schedule on the instance’s route without a source, showing the API’s words under the field it refused', async () => {
      let posts = 0;
      const fetchMock = mockApi({
        ...systemRoutes(),
        ...instanceBackupRoutes(),
        'POST /api/v1/system/backups/schedules': () => {
          posts += 1;
          return posts === 1
            ? validationProblem({ field: 'timezone', message: 'timezone must be an IANA time zone such as Europe/Berlin' })
            : jsonResponse(instanceSchedule(), 201);
        },
      });
      renderApp('/system');

      fireEvent.click(await screen.findByRole('button', { name: 'Add schedule' }));
      const dialog = await screen.findByRole('dialog', { name: 'Add a schedule' });
      fireEvent.change(within(dialog).getByLabelText('Destination'), { target: { value: 'dest-1' } });
      fireEvent.change(within(dialog).getByLabelText('When (cron)'), { target: { value: '0 2 * * *' } });
      fireEvent.change(within(dialog).getByLabelText('Time zone'), { target: { value: 'Mars/Olympus' } });
      fireEvent.click(within(dialog).getByRole('button', { name: 'Add schedule' }));

      const zone = within(dialog).getByLabelText('Time zone');
      await waitFor(() => expect(zone.getAttribute('aria-invalid')).toBe('true'));
      expect(within(dialog).getByText('timezone must be an IANA time zone such as Europe/Berlin')).toBeTruthy();
      const [first] = requestsTo(fetchMock, '/api/v1/system/backups/schedules', 'POST');
      expect(first.body).toMatchObject({ destinationId: 'dest-1', cron: '0 2 * * *', timezone: 'Mars/Olympus' });
      expect(first.body).not.toHaveProperty('databaseId');
      expect(first.body).not.toHaveProperty('volumeId');

      fireEvent.change(zone, { target: { value: 'Europe/Paris' } });
      fireEvent.click(within(dialog).getByRole('button', { name: 'Add schedule' }));
      await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
      expect(requestsTo(fetchMock, '/api/v1/system/backups/schedules', 'POST')[1].body).toMatchObject({ timezone: 'Europe/Paris' });
    }, 15_000);

    it('edits an instance schedule and deletes it after asking, on the instance’s routes', async () => {
      const fetchMock = mockApi({
        ...systemRoutes(),
        ...instanceBackupRoutes(),
        [INSTANCE_SCHEDULES]: () => jsonResponse(aPage([instanceSchedule()], { perPage: 100 })),
        'PATCH /api/v1/system/backups/schedules/sched-i': () => jsonResponse(instanceSchedule({ enabled: false })),
        'DELETE /api/v1/system/backups/schedules/sched-i': () => new Response(null, { status: 204 }),
      });
      renderApp('/system');

      fireEvent.click(await screen.findByRole('button', { name: 'Edit schedule At 02:00 every day' }));
      const dialog = await screen.findByRole('dialog', { name: 'Edit schedule' });
      fireEvent.click(within(dialog).getByLabelText('Enabled'));
      fireEvent.click(within(dialog).getByRole('button', { name: 'Save schedule' }));
      await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
      expect(requestsTo(fetchMock, '/api/v1/system/backups/schedules/sched-i', 'PATCH')[0].body).toMatchObject({ enabled: false });

      fireEvent.click(screen.getByRole('button', { name: 'Delete schedule At 02:00 every day' }));
      const confirm = await screen.findByRole('dialog', { name: 'Delete this schedule?' });
      fireEvent.click(within(confirm).getByRole('button', { name: 'Delete schedule' }));
      await waitFor(() => expect(requestsTo(fetchMock, '/api/v1/system/backups/schedules/sched-i', 'DELETE')).toHaveLength(1));
    });
  });
});
