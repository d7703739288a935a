import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { type ContainerDto, ErrorCode, Role } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { aMe, aMembership, readyReadiness } from '../../../test/fixtures';
import { jsonResponse, mockApi, problemResponse, refusal, requestsTo } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { aServer } from '../../../test/servers-fixtures';
import { ServerContainers } from './server-containers';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const SERVER = '/api/v1/servers/server-1';
const CONTAINERS = `${SERVER}/containers`;
const list = (all: boolean, managedOnly = false) => `${CONTAINERS}?all=${all}&managedOnly=${managedOnly}`;
const UNREACHABLE = 'Nothing accepts SSH connections on 203.0.113.10:22.';

function aContainer(overrides: Partial<ContainerDto> = {}): ContainerDto {
  return {
    id: 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2',
    names: ['web'],
    image: 'zpanel-test/busybox:latest',
    state: 'running',
    status: 'Up 3 minutes',
    labels: { 'zpanel.managed': 'true' },
    createdAt: new Date(Date.now() - 600_000).toISOString(),
    ...overrides,
  };
}
const exited = aContainer({ id: 'f'.repeat(64), names: ['old-job'], state: 'exited', status: 'Exited (0) 2 hours ago', labels: {} });

function shell(role: Role = Role.Owner) {
  return {
    '/api/v1/me': () => jsonResponse(aMe({ teams: [aMembership({ role })] })),
    '/api/ready': () => jsonResponse(readyReadiness),
    [SERVER]: () => jsonResponse(aServer()),
  };
}

const row = (name: string) => screen.getByTestId(`container-${name}`);
const button = (name: string, label: string) => within(row(name)).getByRole('button', { name: label }) as HTMLButtonElement;

describe(ServerContainers.name, () => {
  it('lists the running containers, and stopped or only Zpanel-managed ones on request', async () => {
    const fetchMock = mockApi({
      ...shell(),
      [list(false)]: () => jsonResponse([aContainer()]),
      [list(true)]: () => jsonResponse([aContainer(), exited]),
      [list(true, true)]: () => jsonResponse([aContainer()]),
    });
    renderApp('/servers/server-1/containers');

    await screen.findByTestId('container-web');
    expect(within(row('web')).getByTestId('container-state').textContent).toBe('Running');
    expect(within(row('web')).getByTestId('container-status').textContent).toBe('Up 3 minutes');
    expect(row('web').textContent).toContain('zpanel-test/busybox:latest');
    expect(row('web').textContent).toContain('10 minutes ago');
    expect(screen.queryByTestId('container-old-job')).toBeNull();

    fireEvent.click(screen.getByLabelText('Show stopped containers'));
    await screen.findByTestId('container-old-job');
    expect(within(row('old-job')).getByTestId('container-state').textContent).toBe('Exited');
    expect(within(row('old-job')).getByTestId('container-status').textContent).toBe('Exited (0) 2 hours ago');

    fireEvent.click(screen.getByLabelText('Managed by Zpanel only'));
    await waitFor(() => expect(screen.queryByTestId('container-old-job')).toBeNull());
    expect(requestsTo(fetchMock, list(true, true))).toHaveLength(1);

    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(requestsTo(fetchMock, list(true, true))).toHaveLength(2));
  });

  it('says why the containers cannot be listed when the server cannot be reached', async () => {
    mockApi({
      ...shell(),
      [list(false)]: () => problemResponse({ status: 503, title: 'Service Unavailable', code: ErrorCode.ServiceUnavailable, detail: UNREACHABLE }),
    });
    renderApp('/servers/server-1/containers');

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(UNREACHABLE);
  });

  it('has an empty state for each filter', async () => {
    mockApi({ ...shell(), [list(false)]: () => jsonResponse([]), [list(true)]: () => jsonResponse([]) });
    renderApp('/servers/server-1/containers');

    expect((await screen.findByText(/No running containers/)).textContent).toBe('No running containers. Show stopped ones to see the others.');
    fireEvent.click(screen.getByLabelText('Show stopped containers'));
    expect((await screen.findByText(/No containers on this server/)).textContent).toBe('No containers on this server.');
  });

  it('stops a container only after asking, with the grace period given', async () => {
    let state: ContainerDto = aContainer();
    const fetchMock = mockApi({
      ...shell(),
      [list(false)]: () => jsonResponse([state]),
      [`POST ${CONTAINERS}/web/stop`]: () => {
        state = aContainer({ state: 'exited', status: 'Exited (143) 1 second ago' });
        return new Response(null, { status: 204 });
      },
    });
    renderApp('/servers/server-1/containers');

    fireEvent.click(await screen.findByRole('button', { name: 'Stop' }));
    const dialog = screen.getByRole('dialog', { name: 'Stop web?' });
    const grace = within(dialog).getByLabelText('Grace period (seconds)');
    expect((grace as HTMLInputElement).value).toBe('10');

    fireEvent.change(grace, { target: { value: '9999' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Stop container' }));
    expect(within(dialog).getByText('A whole number of seconds from 0 to 600')).toBeTruthy();
    expect(requestsTo(fetchMock, `${CONTAINERS}/web/stop`, 'POST')).toEqual([]);

    fireEvent.change(grace, { target: { value: '30' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Stop container' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, `${CONTAINERS}/web/stop`, 'POST')[0].body).toEqual({ timeoutSeconds: 30 });
    await waitFor(() => expect(within(row('web')).getByTestId('container-state').textContent).toBe('Exited'));
    expect(button('web', 'Start')).toBeTruthy();
  });

  it('starts and restarts without asking, and says why a change failed', async () => {
    const fetchMock = mockApi({
      ...shell(),
      [list(false)]: () => jsonResponse([aContainer()]),
      [list(true)]: () => jsonResponse([aContainer(), exited]),
      [`POST ${CONTAINERS}/old-job/start`]: () => new Response(null, { status: 204 }),
      [`POST ${CONTAINERS}/web/restart`]: () =>
        problemResponse({ status: 503, title: 'Service Unavailable', code: ErrorCode.ServiceUnavailable, detail: UNREACHABLE }),
    });
    renderApp('/servers/server-1/containers');
    fireEvent.click(await screen.findByLabelText('Show stopped containers'));

    fireEvent.click(await screen.findByRole('button', { name: 'Start' }));
    await waitFor(() => expect(requestsTo(fetchMock, `${CONTAINERS}/old-job/start`, 'POST')).toHaveLength(1));

    fireEvent.click(button('web', 'Restart'));
    const failure = await screen.findByTestId('container-action-error');
    expect(failure.textContent).toContain('Could not restart web:');
    expect(failure.textContent).toContain(UNREACHABLE);
  });

  it('removes a container only after confirming, with force when chosen, showing Docker’s refusal', async () => {
    const fetchMock = mockApi({
      ...shell(),
      [list(false)]: () => jsonResponse([aContainer()]),
      [`DELETE ${CONTAINERS}/web?force=false`]: () =>
        refusal(409, 'Docker refused: cannot remove container "/web": container is running: stop the container before removing or force remove'),
      [`DELETE ${CONTAINERS}/web?force=true`]: () => new Response(null, { status: 204 }),
    });
    renderApp('/servers/server-1/containers');

    fireEvent.click(await screen.findByRole('button', { name: 'Remove' }));
    const dialog = screen.getByRole('dialog', { name: 'Remove web?' });
    expect(dialog.textContent).toContain('It is running: without force Docker refuses');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove container' }));
    expect((await within(dialog).findByRole('alert')).textContent).toContain('stop the container before removing or force remove');

    fireEvent.click(within(dialog).getByLabelText('Force'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove container' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(requestsTo(fetchMock, `${CONTAINERS}/web?force=true`, 'DELETE')).toHaveLength(1);
  });

  it('cancelling a dialog changes nothing', async () => {
    const fetchMock = mockApi({ ...shell(), [list(false)]: () => jsonResponse([aContainer()]) });
    renderApp('/servers/server-1/containers');

    for (const action of ['Stop', 'Remove']) {
      fireEvent.click(await screen.findByRole('button', { name: action }));
      fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Cancel' }));
      expect(screen.queryByRole('dialog')).toBeNull();
    }
    expect(fetchMock.mock.calls.filter(([, init]) => (init?.method ?? 'GET') !== 'GET')).toEqual([]);
  });

  it('shows a viewer the containers and their logs with every change off, saying why', async () => {
    mockApi({ ...shell(Role.Viewer), [list(false)]: () => jsonResponse([aContainer()]) });
    renderApp('/servers/server-1/containers');

    await screen.findByTestId('container-web');
    const why = 'Your role (viewer) cannot change containers: ask a member, admin or owner';
    for (const label of ['Stop', 'Restart', 'Remove']) {
      expect(button('web', label).disabled, label).toBe(true);
      expect(button('web', label).title).toBe(why);
    }
    expect(screen.getByText(`${why}. You can see the containers and their logs.`)).toBeTruthy();
    expect(button('web', 'Logs').disabled).toBe(false);
  });

  it('lets a member change containers', async () => {
    mockApi({ ...shell(Role.Member), [list(false)]: () => jsonResponse([aContainer()]) });
    renderApp('/servers/server-1/containers');

    await screen.findByTestId('container-web');
    expect(button('web', 'Stop').disabled).toBe(false);
    expect(button('web', 'Stop').title).toBe('');
  });

  it('pages a long list', async () => {
    const many = Array.from({ length: 25 }, (_, i) => aContainer({ id: String(i).padStart(64, '0'), names: [`app-${String(i).padStart(2, '0')}`] }));
    mockApi({ ...shell(), [list(false)]: () => jsonResponse(many) });
    renderApp('/servers/server-1/containers');

    await screen.findByTestId('container-app-00');
    expect(screen.getAllByTestId(/^container-app-/)).toHaveLength(20);
    expect(screen.getByTestId('pagination-summary').textContent).toBe('1–20 of 25');
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(screen.getAllByTestId(/^container-app-/).map((r) => r.dataset.testid)).toEqual([
      'container-app-20',
      'container-app-21',
      'container-app-22',
      'container-app-23',
      'container-app-24',
    ]);
  });

  it('opens the log viewer of a container', async () => {
    mockApi({ ...shell(), [list(false)]: () => jsonResponse([aContainer()]) });
    renderApp('/servers/server-1/containers');

    fireEvent.click(await screen.findByRole('button', { name: 'Logs' }));
    const viewer = screen.getByRole('region', { name: 'Logs of web' });
    fireEvent.click(within(viewer).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('region', { name: 'Logs of web' })).toBeNull();
  });
});
