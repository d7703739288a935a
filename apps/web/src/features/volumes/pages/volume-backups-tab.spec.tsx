import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { type VolumeDto } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { applicationPageRoutes } from '../../../test/application-routes';
import { DESTINATIONS, aBackup, aDestination, aRestoreWithLog, aSchedule } from '../../../test/backups-fixtures';
import { jsonResponse, mockApi, requestsTo } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { aPage } from '../../../test/servers-fixtures';
import { VolumeBackupsTab } from './volume-backups-tab';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const APP = '/api/v1/applications/app-1';
const SCHEDULES = '/api/v1/backup-schedules?volumeId=volume-1&page=1&perPage=100';
const BACKUPS = '/api/v1/backups?volumeId=volume-1&page=1&perPage=10';

const aVolume = (): VolumeDto => ({
  id: 'volume-1',
  applicationId: 'app-1',
  name: 'data',
  mountPath: '/var/lib/app',
  dockerName: 'zp-volume-0f8e2a4c1b3d4e5f8a9b0c1d2e3f4a5b-data',
  createdAt: '2026-12-01T10:00:00.000Z',
});

const volumeBackup = aBackup({
  sourceKind: 'volume',
  databaseId: null,
  volumeId: 'volume-1',
  engine: null,
  image: null,
  inventory: { files: 41, bytes: 2_200_000 },
  verificationDetail: null,
});

function routes() {
  return {
    ...applicationPageRoutes(),
    [`${APP}/volumes`]: () => jsonResponse([aVolume()]),
    [`${APP}/volumes/usage`]: () => jsonResponse([]),
    [`${APP}/mounts`]: () => jsonResponse([]),
    [SCHEDULES]: () => jsonResponse(aPage([aSchedule({ sourceKind: 'volume', databaseId: null, volumeId: 'volume-1' })], { perPage: 100 })),
    [BACKUPS]: () => jsonResponse(aPage([volumeBackup], { perPage: 10 })),
    [DESTINATIONS]: () => jsonResponse([aDestination()]),
  };
}

/** A dialog's submission, then the run asked for: more than the default second on a loaded machine. */
const AFTER_REQUESTS = { timeout: 4_000 };

describe(VolumeBackupsTab.name, () => {
  it('opens from the volume’s row and lists its backups, the files a verification found', async () => {
    mockApi(routes());
    renderApp('/applications/app-1/volumes');

    // The first render of the file's first test compiles the whole app: more than the default second under load.
    fireEvent.click(await screen.findByRole('link', { name: 'Backups of data' }, { timeout: 5_000 }));
    expect(await screen.findByRole('heading', { name: /Backups of data/ })).toBeTruthy();
    const row = await screen.findByTestId('backup-backup-1');
    expect(within(row).getByTestId('backup-verification-detail').textContent).toBe('41 files, 2.1 MB');
    const tabs = screen.getByRole('navigation', { name: 'Application sections' });
    expect(within(tabs).getByRole('link', { name: 'Volumes' }).getAttribute('aria-current')).toBe('page');
    // Only a database restores from an uploaded file.
    expect(screen.queryByRole('button', { name: 'Restore from a file' })).toBeNull();
  }, 15_000);

  it('restores over the volume only once its name is typed', async () => {
    const fetchMock = mockApi({
      ...routes(),
      'POST /api/v1/backups/backup-1/restores': () => jsonResponse(aRestoreWithLog({ target: 'same', databaseId: null, volumeId: 'volume-1' }), 202),
      '/api/v1/restores/restore-1': () => jsonResponse(aRestoreWithLog({ target: 'same', status: 'running', log: 'extracting\n' })),
    });
    renderApp('/applications/app-1/volumes/volume-1/backups');

    fireEvent.click(within(await screen.findByTestId('backup-backup-1')).getByRole('button', { name: /^Restore/ }));
    const dialog = await screen.findByRole('dialog', { name: /^Restore the backup/ });
    // A volume has no "new" target.
    expect(within(dialog).queryByLabelText('New database name')).toBeNull();
    const submit = within(dialog).getByRole('button', { name: 'Restore' }) as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    fireEvent.change(within(dialog).getByLabelText('Type data to confirm'), { target: { value: 'data' } });
    fireEvent.click(submit);

    expect((await screen.findByTestId('backup-run-log', {}, AFTER_REQUESTS)).textContent).toBe('extracting\n');
    await waitFor(() =>
      expect(requestsTo(fetchMock, '/api/v1/backups/backup-1/restores', 'POST')[0].body).toEqual({ target: 'same', confirmName: 'data' }),
    );
  });
});
