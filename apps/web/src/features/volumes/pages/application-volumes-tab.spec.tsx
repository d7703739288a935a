import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { type ApplicationDto, ErrorCode, type MountDto, Role, type VolumeDto, type VolumeUsageDto } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { badRequest, jsonResponse, mockApi, problemResponse, requestsTo } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { anApplication } from '../../../test/applications-fixtures';
import { applicationPageRoutes } from '../../../test/application-routes';
import { ApplicationVolumesTab } from './application-volumes-tab';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const APP = '/api/v1/applications/app-1';
const VOLUMES = `${APP}/volumes`;
const USAGE = `${APP}/volumes/usage`;
const MOUNTS = `${APP}/mounts`;

const aVolume = (overrides: Partial<VolumeDto> = {}): VolumeDto => ({
  id: 'volume-1',
  applicationId: 'app-1',
  name: 'data',
  mountPath: '/var/lib/app',
  dockerName: 'zp-volume-0f8e2a4c1b3d4e5f8a9b0c1d2e3f4a5b-data',
  createdAt: '2026-12-01T10:00:00.000Z',
  ...overrides,
});

const aMount = (overrides: Partial<MountDto> = {}): MountDto => ({
  id: 'mount-1',
  applicationId: 'app-1',
  kind: 'file',
  mountPath: '/etc/app/secret.env',
  hostPath: null,
  readOnly: true,
  secret: true,
  content: null,
  updatedAt: '2026-12-01T10:00:00.000Z',
  ...overrides,
});

function routes(
  role: Role = Role.Owner,
  application: Partial<ApplicationDto> = {},
  extra: Record<string, Parameters<typeof mockApi>[0][string]> = {},
) {
  return {
    ...applicationPageRoutes(role, () => anApplication(application)),
    [VOLUMES]: () => jsonResponse([aVolume()]),
    [USAGE]: () =>
      jsonResponse([{ name: 'data', dockerName: aVolume().dockerName, exists: true, sizeBytes: 5 * 1024 * 1024 } satisfies VolumeUsageDto]),
    [MOUNTS]: () =>
      jsonResponse([
        aMount(),
        aMount({ id: 'mount-2', kind: 'bind', mountPath: '/uploads', hostPath: '/srv/data/uploads', readOnly: false, secret: false }),
      ]),
    ...extra,
  };
}

const region = () => screen.getByRole('region', { name: 'Volumes' });

describe(ApplicationVolumesTab.name, () => {
  it('lists the named volumes with their size on the server, and the files and bind mounts, never a secret’s content', async () => {
    mockApi(routes());
    renderApp('/applications/app-1/volumes');

    const volumes = await screen.findByRole('table', { name: 'Named volumes' });
    await waitFor(() => expect(within(volumes).getByText('5.0 MB')).toBeTruthy());
    expect(within(volumes).getByText('/var/lib/app')).toBeTruthy();
    const mounts = screen.getByRole('table', { name: 'Files and bind mounts' });
    expect(within(mounts).getByText('File (secret: its content is never shown again)')).toBeTruthy();
    expect(within(mounts).getByText('Host path /srv/data/uploads')).toBeTruthy();
  });

  it('says so when the server cannot tell the sizes, still listing the volumes', async () => {
    mockApi(
      routes(
        Role.Owner,
        {},
        {
          [USAGE]: () =>
            problemResponse({
              status: 503,
              title: 'Service Unavailable',
              code: ErrorCode.ServiceUnavailable,
              detail: 'The server did not answer in time',
            }),
        },
      ),
    );
    renderApp('/applications/app-1/volumes');
    const volumes = await screen.findByRole('table', { name: 'Named volumes' });
    await waitFor(() => expect(within(volumes).getByText('unknown (the server did not answer)')).toBeTruthy());
  });

  it('adds a volume, showing the API’s refusal under its field first', async () => {
    let attempt = 0;
    const fetchMock = mockApi(
      routes(
        Role.Owner,
        {},
        {
          [VOLUMES]: () => jsonResponse([]),
          [`POST ${VOLUMES}`]: () => {
            attempt += 1;
            return attempt === 1
              ? badRequest({ field: 'mountPath', message: 'mountPath must not be /proc or under it' })
              : jsonResponse(aVolume(), 201);
          },
        },
      ),
    );
    renderApp('/applications/app-1/volumes');
    expect(await screen.findByTestId('volumes-empty')).toBeTruthy();

    fireEvent.change(screen.getByRole('textbox', { name: 'Volume name' }), { target: { value: ' data ' } });
    const path = screen.getByRole('textbox', { name: 'Mounted at' });
    fireEvent.change(path, { target: { value: '/proc/x' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add volume' }));
    await waitFor(() =>
      expect(document.getElementById(path.getAttribute('aria-describedby') ?? '')?.textContent).toBe('mountPath must not be /proc or under it'),
    );

    fireEvent.change(path, { target: { value: '/var/lib/app' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add volume' }));
    await waitFor(() => expect((screen.getByRole('textbox', { name: 'Volume name' }) as HTMLInputElement).value).toBe(''));
    expect(requestsTo(fetchMock, VOLUMES, 'POST').map((r) => r.body)).toEqual([
      { name: 'data', mountPath: '/proc/x' },
      { name: 'data', mountPath: '/var/lib/app' },
    ]);
  });

  it('adds a secret file and a read-only bind mount', async () => {
    const fetchMock = mockApi(routes(Role.Owner, {}, { [`POST ${MOUNTS}`]: () => jsonResponse(aMount(), 201) }));
    renderApp('/applications/app-1/volumes');
    await screen.findByRole('table', { name: 'Files and bind mounts' });

    fireEvent.change(screen.getByRole('textbox', { name: 'Path in the container' }), { target: { value: '/etc/app/secret.env' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'Content' }), { target: { value: 'API_KEY=s3cret\n' } });
    fireEvent.click(screen.getByRole('checkbox', { name: /^Secret/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Add file' }));
    await waitFor(() => expect(requestsTo(fetchMock, MOUNTS, 'POST')).toHaveLength(1));

    fireEvent.change(screen.getByRole('combobox', { name: 'Kind' }), { target: { value: 'bind' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'Path in the container' }), { target: { value: '/uploads' } });
    fireEvent.change(screen.getByRole('textbox', { name: 'Host path' }), { target: { value: '/srv/data/uploads' } });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Read-only in the container' }));
    fireEvent.click(screen.getByRole('button', { name: 'Add bind mount' }));
    await waitFor(() => expect(requestsTo(fetchMock, MOUNTS, 'POST')).toHaveLength(2));
    expect(requestsTo(fetchMock, MOUNTS, 'POST').map((r) => r.body)).toEqual([
      { kind: 'file', mountPath: '/etc/app/secret.env', content: 'API_KEY=s3cret\n', secret: true },
      { kind: 'bind', mountPath: '/uploads', hostPath: '/srv/data/uploads', readOnly: true },
    ]);
  });

  it('removes a volume after saying its data stays on the server', async () => {
    const fetchMock = mockApi(routes(Role.Owner, {}, { [`DELETE ${VOLUMES}/volume-1`]: () => new Response(null, { status: 204 }) }));
    renderApp('/applications/app-1/volumes');
    const volumes = await screen.findByRole('table', { name: 'Named volumes' });
    fireEvent.click(within(volumes).getByRole('button', { name: 'Remove' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('Its data stays on the server');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Stop mounting' }));
    await waitFor(() => expect(requestsTo(fetchMock, `${VOLUMES}/volume-1`, 'DELETE')).toHaveLength(1));
  });

  it('saves the deploy strategy, saying what recreate costs', async () => {
    const fetchMock = mockApi(routes(Role.Owner, {}, { [`PATCH ${APP}`]: () => jsonResponse(anApplication({ deployStrategy: 'recreate' })) }));
    renderApp('/applications/app-1/volumes');
    const select = (await screen.findByRole('combobox', { name: 'Deploy strategy' })) as HTMLSelectElement;
    expect(select.value).toBe('rolling');
    expect(region().textContent).toContain('Both containers mount the same volumes for a moment');
    fireEvent.change(select, { target: { value: 'recreate' } });
    expect(region().textContent).toContain('The application is down from the moment the old container stops');
    fireEvent.click(screen.getByRole('button', { name: 'Save strategy' }));
    await waitFor(() => expect(requestsTo(fetchMock, APP, 'PATCH').map((r) => r.body)).toEqual([{ deployStrategy: 'recreate' }]));
  });

  it('lets a viewer see everything but change nothing', async () => {
    mockApi(routes(Role.Viewer));
    renderApp('/applications/app-1/volumes');
    const volumes = await screen.findByRole('table', { name: 'Named volumes' });
    expect((within(volumes).getByRole('button', { name: 'Remove' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Add volume' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByRole('textbox', { name: 'Volume name' }).closest('fieldset')?.disabled).toBe(true);
  });
});
