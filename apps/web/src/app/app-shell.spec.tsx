import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ErrorCode } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { useThemeStore } from '../lib/theme-store';
import { emitServerEvent, listenerCount, setConnectionState } from '../test/fake-socket';
import { aMe, aSystemStatus, aWorker, readyReadiness, redisDownReadiness } from '../test/fixtures';
import { jsonResponse, mockApi, problemResponse } from '../test/mock-api';
import { renderApp } from '../test/render-app';
import { AppShell } from './app-shell';

vi.mock('../lib/socket', () => import('../test/fake-socket'));

const ME = '/api/v1/me';
const READY = '/api/ready';
const STATUS = '/api/v1/system/status';

/** The API is up, and no worker is running. */
function withoutWorkers() {
  return {
    [ME]: () => jsonResponse(aMe()),
    [READY]: () => jsonResponse(readyReadiness),
    [STATUS]: () => jsonResponse(aSystemStatus({ workers: [] })),
  };
}

async function apiStatusText(expected: string) {
  await waitFor(() => expect(screen.getByTestId('api-status').textContent).toBe(expected));
}

describe(AppShell.name, () => {
  it('renders the Overview with a card per dependency, the instance and its workers', async () => {
    mockApi({ [ME]: () => jsonResponse(aMe()), [READY]: () => jsonResponse(readyReadiness), [STATUS]: () => jsonResponse(aSystemStatus()) });

    renderApp('/');

    expect(screen.getByTestId('app-shell')).toBeTruthy();
    expect(screen.getByTestId('page-title').textContent).toBe('Overview');
    await apiStatusText('API ready');
    const postgres = screen.getByTestId('check-postgres');
    expect(postgres.textContent).toContain('Up');
    expect(postgres.textContent).toContain('3 ms');
    expect(screen.getByTestId('check-redis').textContent).toContain('1 ms');
    const instance = within(screen.getByTestId('instance-card'));
    expect(await instance.findByText('inst-2b9c41')).toBeTruthy();
    expect(instance.getByText('0.1.0')).toBeTruthy();
    const workers = screen.getByTestId('workers-card');
    expect(workers.textContent).toContain('1 online');
    expect(workers.textContent).toContain('build-box-1');
  });

  it('shows how to start a worker when none is running', async () => {
    mockApi(withoutWorkers());

    renderApp('/');

    const workers = screen.getByTestId('workers-card');
    await waitFor(() => expect(workers.textContent).toContain('No worker is running: start it with npm start'));
    expect(workers.textContent).toContain('0 online');
  });

  it('names the failing dependencies and shows why when the API is degraded', async () => {
    mockApi({
      [ME]: () => jsonResponse(aMe()),
      [READY]: () => jsonResponse(redisDownReadiness, 503),
      [STATUS]: () => jsonResponse(aSystemStatus({ readiness: redisDownReadiness })),
    });

    renderApp('/');

    await apiStatusText('API degraded: redis');
    const redis = screen.getByTestId('check-redis');
    expect(redis.textContent).toContain('Down');
    expect(redis.textContent).toContain('connect ECONNREFUSED 127.0.0.1:6379');
    expect(screen.getByTestId('check-postgres').textContent).toContain('Up');
  });

  it('reports an unreachable API when requests never get an answer', async () => {
    mockApi({
      [ME]: () => jsonResponse(aMe()),
      [READY]: () => Promise.reject(new TypeError('Failed to fetch')),
      [STATUS]: () => Promise.reject(new TypeError('Failed to fetch')),
    });

    renderApp('/');

    await apiStatusText('API unreachable');
    // Dependencies, instance and workers each say why they are empty.
    await waitFor(() => expect(screen.getAllByText('Cannot reach the Zpanel API')).toHaveLength(3));
  });

  it('shows the problem title, detail and trace id when the status endpoint fails', async () => {
    mockApi({
      [ME]: () => jsonResponse(aMe()),
      [READY]: () => jsonResponse(readyReadiness),
      [STATUS]: () =>
        problemResponse({
          status: 500,
          title: 'Internal Server Error',
          detail: 'Something broke on our side.',
          code: ErrorCode.Internal,
          traceId: 'req-9f2',
        }),
    });

    renderApp('/');

    const alert = await within(screen.getByTestId('instance-card')).findByRole('alert');
    expect(alert.textContent).toContain('Internal Server Error');
    expect(alert.textContent).toContain('Something broke on our side.');
    expect(alert.textContent).toContain('req-9f2');
  });

  it('updates the Overview from system:status pushes', async () => {
    mockApi(withoutWorkers());
    renderApp('/');
    const workers = screen.getByTestId('workers-card');
    await waitFor(() => expect(workers.textContent).toContain('0 online'));

    act(() =>
      emitServerEvent('system:status', aSystemStatus({ readiness: redisDownReadiness, workers: [aWorker({ id: 'w2', hostname: 'late-starter' })] })),
    );

    // react-query notifies observers on a timer, after act() has returned.
    await waitFor(() => expect(workers.textContent).toContain('late-starter'));
    expect(workers.textContent).toContain('1 online');
    await apiStatusText('API degraded: redis');
  });

  it('stops listening to pushes once unmounted', async () => {
    mockApi({ [ME]: () => jsonResponse(aMe()), [READY]: () => jsonResponse(readyReadiness), [STATUS]: () => jsonResponse(aSystemStatus()) });
    const { unmount } = renderApp('/');
    expect(listenerCount('system:status')).toBe(1);
    await apiStatusText('API ready');

    unmount();

    expect(listenerCount('system:status')).toBe(0);
  });

  it('shows the live-update connection as a titled dot', async () => {
    mockApi({ [ME]: () => jsonResponse(aMe()), [READY]: () => jsonResponse(readyReadiness), [STATUS]: () => jsonResponse(aSystemStatus()) });
    renderApp('/');
    expect(screen.getByTestId('socket-status').getAttribute('title')).toBe('Live updates: connected');

    act(() => setConnectionState('disconnected'));

    expect(screen.getByTestId('socket-status').getAttribute('title')).toBe('Live updates: disconnected');
    act(() => setConnectionState('connected'));
  });

  it('switches the theme from the top bar', async () => {
    mockApi({ [ME]: () => jsonResponse(aMe()), [READY]: () => jsonResponse(readyReadiness), [STATUS]: () => jsonResponse(aSystemStatus()) });
    useThemeStore.setState({ theme: 'dark' });
    renderApp('/');

    fireEvent.click(screen.getByRole('button', { name: 'Switch to light theme' }));

    expect(useThemeStore.getState().theme).toBe('light');
    expect(screen.getByRole('button', { name: 'Switch to dark theme' })).toBeTruthy();
    await apiStatusText('API ready');
  });
});
