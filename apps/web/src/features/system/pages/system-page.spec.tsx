import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ErrorCode } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { aBackup, instanceBackupRoutes } from '../../../test/backups-fixtures';
import { aMe, aSystemStatus, aWorker, readyReadiness, redisDownReadiness } from '../../../test/fixtures';
import { jsonResponse, mockApi, problemResponse, requestedUrls, requestsTo } from '../../../test/mock-api';
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

    it('lists the instance’s backups, and asks nothing of the instance schedules the API does not serve yet', async () => {
      const instanceBackup = aBackup({ id: 'backup-i', teamId: null, sourceKind: 'instance', databaseId: null, engine: 'postgresql' });
      const fetchMock = mockApi({
        ...systemRoutes(),
        ...instanceBackupRoutes(),
        '/api/v1/system/backups?page=1&perPage=10': () => jsonResponse(aPage([instanceBackup], { perPage: 10 })),
      });
      renderApp('/system');

      const backup = await screen.findByTestId('backup-backup-i');
      expect(within(backup).getByTestId('backup-verification').textContent).toContain('Verified');
      expect(within(backup).getByRole('button', { name: /^Download/ })).toBeTruthy();
      // Restored on a fresh install (README), never over the running instance.
      expect(within(backup).queryByRole('button', { name: /^Restore/ })).toBeNull();
      expect(within(backup).queryByRole('button', { name: /^Delete/ })).toBeNull();
      expect(requestsTo(fetchMock, '/api/v1/system/backups/schedules', 'GET')).toHaveLength(0);
    });
  });
});
