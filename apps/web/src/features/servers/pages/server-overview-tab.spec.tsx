import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ErrorCode, Role, type ServerLiveEvent } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { emitLiveEvent, pageSubscriptions } from '../../../test/fake-socket';
import { aMe, aMembership, readyReadiness } from '../../../test/fixtures';
import { jsonResponse, mockApi, problemResponse, requestedUrls } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { aMetrics, aSample, someSamples } from '../../../test/metrics-fixtures';
import { aServer } from '../../../test/servers-fixtures';
import { ServerOverviewTab } from './server-overview-tab';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const SERVER = '/api/v1/servers/server-1';
const HOUR = `${SERVER}/metrics?range=1h`;
const DAY = `${SERVER}/metrics?range=24h`;
const MB = 1024 ** 2;

function shell() {
  return {
    '/api/v1/me': () => jsonResponse(aMe({ teams: [aMembership({ role: Role.Owner })] })),
    '/api/ready': () => jsonResponse(readyReadiness),
    [SERVER]: () => jsonResponse(aServer()),
  };
}

const toServerPage = (event: ServerLiveEvent) =>
  act(() => {
    expect(emitLiveEvent((subscription) => subscription.kind === 'server' && subscription.serverId === 'server-1', event)).toBe(1);
  });

const count = (metric: string) => screen.getByTestId(`metrics-chart-${metric}-count`).textContent;
const newest = (metric: string) => screen.getByTestId(`metrics-chart-${metric}-newest`).getAttribute('datetime');

describe(ServerOverviewTab.name, () => {
  it('charts the last hour, with the newest sample’s load and containers and when the server was last checked', async () => {
    const samples = someSamples(3);
    samples[2] = {
      ...samples[2],
      containers: [
        { id: 'c1', name: 'api', cpuPercent: 3.5, memoryBytes: 300 * MB, memoryLimitBytes: 512 * MB },
        { id: 'c2', name: 'worker', cpuPercent: 41, memoryBytes: 120 * MB, memoryLimitBytes: null },
      ],
    };
    mockApi({ ...shell(), [HOUR]: () => jsonResponse(aMetrics(samples)) });

    renderApp('/servers/server-1');

    await screen.findByTestId('metrics-charts');
    for (const metric of ['cpu', 'memory', 'disk']) {
      expect(count(metric)).toBe('3 samples');
      expect(newest(metric)).toBe(samples[2].ts);
    }
    expect(screen.getByTestId('metrics-chart-cpu-latest').textContent).toBe('12 %');
    expect(screen.getByTestId('metrics-chart-memory-latest').textContent).toBe('25 % · 2.0 GB of 8.0 GB');
    expect(screen.getByTestId('metrics-chart-disk-latest').textContent).toBe('30 % · 30 GB of 100 GB');
    expect(screen.getByTestId('metrics-chart-cpu').querySelector('.recharts-line-curve')).not.toBeNull();
    expect(screen.getByTestId('load-averages').textContent).toContain('0.42');
    const rows = within(screen.getByTestId('container-usage')).getAllByRole('row').slice(1);
    // Busiest first.
    expect(
      rows.map((row) =>
        within(row)
          .getAllByRole('cell')
          .map((cell) => cell.textContent),
      ),
    ).toEqual([
      ['worker', '41 %', '120 MB'],
      ['api', '3.5 %', '300 MB of 512 MB'],
    ]);
    expect(screen.getByTestId('last-checked').textContent).toBe('30 seconds ago');
    expect(screen.getByTestId('check-interval').textContent).toBe('60 s');
    expect(screen.getByTestId('server-facts').textContent).toContain('Ubuntu 24.04 LTS');
    // The file's first render compiles the whole app: more than 5 s under load.
  }, 15_000);

  it('adds a live sample to the hour at once, and moves "last checked" with it', async () => {
    const samples = someSamples(3);
    const fetchMock = mockApi({ ...shell(), [HOUR]: () => jsonResponse(aMetrics(samples)) });
    renderApp('/servers/server-1');
    await screen.findByTestId('metrics-charts');
    await waitFor(() => expect(screen.getByTestId('metrics-live').textContent).toBe('Live'));
    expect(pageSubscriptions()).toEqual([expect.objectContaining({ kind: 'server', serverId: 'server-1' })]);

    // The clock stands still from the sample on, so "now" does not depend on how busy the machine is.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const sample = aSample({ ts: new Date().toISOString(), cpuPercent: 77 });
      toServerPage({ type: 'metrics', serverId: 'server-1', sample });

      await waitFor(() => expect(count('cpu')).toBe('4 samples'));
      expect(newest('cpu')).toBe(sample.ts);
      expect(screen.getByTestId('metrics-chart-cpu-latest').textContent).toBe('77 %');
      expect(screen.getByTestId('last-checked').textContent).toBe('now');
    } finally {
      vi.useRealTimers();
    }
    // Nothing was fetched again for it.
    expect(requestedUrls(fetchMock).filter((url) => url === HOUR)).toHaveLength(1);
  });

  it('leaves a gap where the server was unreachable and says so for the newest check', async () => {
    const [first, second] = someSamples(2, 60, 120_000);
    const down = aSample({
      reachable: false,
      cpuPercent: null,
      memoryUsedBytes: null,
      memoryTotalBytes: null,
      diskUsedBytes: null,
      diskTotalBytes: null,
      load1: null,
      load5: null,
      load15: null,
    });
    mockApi({ ...shell(), [HOUR]: () => jsonResponse(aMetrics([first, second, down])) });

    renderApp('/servers/server-1');

    await screen.findByTestId('metrics-charts');
    expect(count('cpu')).toBe('2 samples');
    expect(newest('cpu')).toBe(second.ts);
    expect(screen.getByTestId('latest-sample').textContent).toContain('could not be reached at the newest check');
    expect(screen.queryByTestId('container-usage')).toBeNull();
  });

  it('switches to the last day and back, keeping the live hour', async () => {
    const fetchMock = mockApi({
      ...shell(),
      [HOUR]: () => jsonResponse(aMetrics(someSamples(3))),
      [DAY]: () => jsonResponse(aMetrics(someSamples(5, 300), '24h', 300)),
    });
    const { router } = renderApp('/servers/server-1');
    await screen.findByTestId('metrics-charts');

    fireEvent.click(screen.getByRole('button', { name: 'Last day' }));

    await waitFor(() => expect(screen.getByTestId('metrics-charts').getAttribute('data-range')).toBe('24h'));
    expect(count('cpu')).toBe('5 points');
    expect(screen.getByRole('button', { name: 'Last day' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('metrics-live').textContent).toBe('Averages over 5 min');
    expect(router.state.location.search).toBe('?range=24h');

    // Live samples feed the hour (not the day's averages) while the day is shown.
    toServerPage({ type: 'metrics', serverId: 'server-1', sample: aSample({ ts: new Date().toISOString() }) });
    expect(count('cpu')).toBe('5 points');

    fireEvent.click(screen.getByRole('button', { name: 'Last hour' }));
    await waitFor(() => expect(count('cpu')).toBe('4 samples'));
    expect(requestedUrls(fetchMock).filter((url) => url === DAY)).toHaveLength(1);
    expect(router.state.location.search).toBe('');
  });

  it('says when the first check will run while there are no samples yet', async () => {
    mockApi({
      ...shell(),
      [SERVER]: () => jsonResponse(aServer({ checkIntervalSeconds: 5, lastCheckedAt: null })),
      [HOUR]: () => jsonResponse(aMetrics([])),
    });

    renderApp('/servers/server-1');

    expect((await screen.findByTestId('metrics-empty')).textContent).toBe('No samples yet — the first check runs within 5 s.');
    expect(screen.getByTestId('last-checked').textContent).toBe('Not yet');
  });

  it('shows why the metrics could not be loaded', async () => {
    mockApi({ ...shell(), [HOUR]: () => problemResponse({ status: 503, title: 'Metrics are unavailable', code: ErrorCode.ServiceUnavailable }) });

    renderApp('/servers/server-1');

    expect((await screen.findByRole('alert')).textContent).toContain('Metrics are unavailable');
    expect(screen.getByTestId('server-facts')).toBeTruthy();
  });

  it('updates the status badge from a live status change, and fetches the rest of the row it may have changed', async () => {
    let server = aServer({ status: 'validating', os: null, dockerVersion: null });
    mockApi({ ...shell(), [SERVER]: () => jsonResponse(server), [HOUR]: () => jsonResponse(aMetrics(someSamples(1))) });
    renderApp('/servers/server-1');
    await screen.findByTestId('metrics-charts');
    expect(screen.getByTestId('server-status').textContent).toBe('Validating…');

    server = aServer({ dockerVersion: '28.0.1' });
    toServerPage({ type: 'status', serverId: 'server-1', status: 'ready', statusReason: null, statusReasonCode: null });

    await waitFor(() => expect(screen.getByTestId('docker-version').textContent).toBe('28.0.1'));
    expect(screen.getByTestId('server-status').textContent).toBe('Ready');
  });
});
