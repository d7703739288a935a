import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { type DeploymentDto, type DeploymentLiveEvent, type LiveSubscribeMessage, PROBLEM_CONTENT_TYPE } from '@zpanel/contracts';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { useSessionStore } from '../../../lib/session-store';
import { emitLiveEvent, emitServerEvent, liveSubscriptions, refuseLiveSubscriptions } from '../../../test/fake-socket';
import { ACCESS_TOKEN } from '../../../test/fixtures';
import { mockApi } from '../../../test/mock-api';
import { aDeployment, logLines } from '../../../test/deployments-fixtures';
import { deploymentKeys } from '../../../shared/deployments/queries';
import { DeploymentLogViewer } from './deployment-log-viewer';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const E = '\u001b';
const isLog = (s: LiveSubscribeMessage) => s.kind === 'deployment-logs';
const follows = () => liveSubscriptions().filter(isLog);
const send = (event: DeploymentLiveEvent) => act(() => void emitLiveEvent(isLog, event));
const rows = () => Array.from(screen.getByTestId('deployment-log-lines').querySelectorAll<HTMLElement>('[data-seq]'));
const shownSeqs = () => rows().map((row) => Number(row.dataset.seq));
const shownTexts = () => rows().map((row) => row.querySelector('.log-line__text')?.textContent);

function renderViewer(deployment: DeploymentDto = aDeployment({ status: 'running', step: 'build', finishedAt: null })) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  queryClient.setQueryData(deploymentKeys.detail('team-1', deployment.id), deployment);
  const view = render(
    <QueryClientProvider client={queryClient}>
      <DeploymentLogViewer teamId="team-1" deployment={deployment} />
    </QueryClientProvider>,
  );
  return { ...view, queryClient };
}

describe(DeploymentLogViewer.name, () => {
  afterEach(() => refuseLiveSubscriptions(undefined));

  it('follows the deployment from the first line, and shows lines and status changes as they come', () => {
    renderViewer();
    expect(follows()).toEqual([expect.objectContaining({ kind: 'deployment-logs', deploymentId: 'dep-1', afterSeq: 0 })]);
    expect(screen.getByText('No output yet.')).toBeTruthy();

    send({ type: 'lines', lines: logLines(1, 2, (seq) => `Step ${seq}/4`) });
    send({ type: 'status', status: 'running', step: 'health', reason: null, reasonCode: null });

    expect(shownTexts()).toEqual(['Step 1/4', 'Step 2/4']);
    expect(screen.getByTestId('deployment-log-step').textContent).toBe('Health check');
    expect(screen.getByTestId('deployment-log-count').textContent).toBe('2 lines');

    send({
      type: 'status',
      status: 'failed',
      step: 'health',
      reason: 'Health check failed: HTTP GET /healthz answered 500',
      reasonCode: 'health_check.failed',
    });
    expect(screen.getByTestId('deployment-log-status').dataset.status).toBe('failed');
    expect(screen.getByTestId('deployment-log-reason').textContent).toBe('Health check failed: HTTP GET /healthz answered 500');
  });

  it('folds status events into the cached deployment, so the rest of the page follows', () => {
    const { queryClient } = renderViewer();
    send({ type: 'status', status: 'running', step: 'promote', reason: null, reasonCode: null });
    expect(queryClient.getQueryData<DeploymentDto>(deploymentKeys.detail('team-1', 'dep-1'))).toMatchObject({ status: 'running', step: 'promote' });
  });

  it('renders colour codes as styled text and markup as characters, never as HTML', () => {
    renderViewer();
    send({
      type: 'lines',
      lines: [
        { seq: 1, ts: '2026-01-05T10:00:00.000Z', stream: 'stdout', line: '<img src=x onerror="window.__pwned=1">' },
        { seq: 2, ts: '2026-01-05T10:00:00.000Z', stream: 'stderr', line: `${E}[1;31merror${E}[0m: <b>not bold</b> ${E}[38;2;10;20;30mdeep${E}[0m` },
      ],
    });

    const list = screen.getByTestId('deployment-log-lines');
    expect(list.querySelector('img')).toBeNull();
    expect(list.querySelector('b')).toBeNull();
    expect(shownTexts()).toEqual(['<img src=x onerror="window.__pwned=1">', 'error: <b>not bold</b> deep']);
    const red = screen.getByText('error');
    expect(red.className).toBe('ansi-fg-1 ansi-bold');
    expect(screen.getByText('deep').style.color).toBe('rgb(10, 20, 30)');
    expect(rows()[1].className).toContain('log-line--stderr');
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('keeps all 50,000 lines of a long log in order while mounting only a window of rows', () => {
    renderViewer();
    for (let from = 1; from <= 50_000; from += 1_000) send({ type: 'lines', lines: logLines(from, from + 999) });

    expect(screen.getByTestId('deployment-log-count').textContent).toBe('50,000 lines');
    const seqs = shownSeqs();
    // Following: the end is in view, and only about a screenful of rows is in the DOM.
    expect(seqs.length).toBeGreaterThan(10);
    expect(seqs.length).toBeLessThan(100);
    expect(seqs[seqs.length - 1]).toBe(50_000);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0] + i));
    const spacer = screen.getByTestId('deployment-log-lines').firstElementChild as HTMLElement;
    expect(spacer.style.height).toBe(`${50_000 * 18}px`);
  });

  it('shows the rows at the scroll position once the user scrolls away from the end, and stops following', () => {
    renderViewer();
    send({ type: 'lines', lines: logLines(1, 5_000) });
    const list = screen.getByTestId('deployment-log-lines');
    Object.defineProperty(list, 'scrollTop', { configurable: true, value: 18 * 1_000 });
    Object.defineProperty(list, 'scrollHeight', { configurable: true, value: 18 * 5_000 });
    Object.defineProperty(list, 'clientHeight', { configurable: true, value: 480 });

    fireEvent.scroll(list);

    expect(screen.getByRole('button', { name: 'Follow' })).toBeTruthy();
    const seqs = shownSeqs();
    expect(seqs).toContain(1_001);
    expect(seqs).not.toContain(5_000);
    expect(seqs.length).toBeLessThan(100);
    expect(screen.getByRole('status').textContent).toContain('Paused');
  });

  it('pauses and resumes following with the toggle', () => {
    renderViewer();
    send({ type: 'lines', lines: logLines(1, 3_000) });
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    expect(screen.getByRole('button', { name: 'Follow' }).getAttribute('aria-pressed')).toBe('true');

    fireEvent.click(screen.getByRole('button', { name: 'Follow' }));
    expect(shownSeqs()).toContain(3_000);
  });

  it('resumes after a dropped connection from the last line it has, and drops lines it already has', () => {
    renderViewer();
    send({ type: 'lines', lines: logLines(1, 120) });

    // The socket reconnects (its own `connect` event, outside the typed map): the hook subscribes
    // again, asking only for what comes after line 120.
    act(() => (emitServerEvent as (event: string) => void)('connect'));
    const latest = follows()[follows().length - 1];
    expect(latest).toMatchObject({ kind: 'deployment-logs', deploymentId: 'dep-1', afterSeq: 120 });

    // A gateway replaying a little too much (or a batch delivered twice) must not show lines twice.
    send({ type: 'lines', lines: logLines(118, 125) });
    send({ type: 'lines', lines: logLines(121, 125) });
    send({ type: 'lines', lines: logLines(126, 130) });

    expect(screen.getByTestId('deployment-log-count').textContent).toBe('130 lines');
    const seqs = shownSeqs();
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs[seqs.length - 1]).toBe(130);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0] + i));
  });

  it('says so when the live log is refused', () => {
    refuseLiveSubscriptions({ ok: false, status: 404, code: 'not_found', message: 'No such deployment' });
    renderViewer();
    expect(screen.getByRole('status').textContent).toBe('Live log unavailable: No such deployment');
  });

  it('downloads the stored log with the bearer token, as a file', async () => {
    useSessionStore.setState({ status: 'signedIn', accessToken: ACCESS_TOKEN, accessTokenExpiresAt: Date.now() + 60_000 });
    const fetchMock = mockApi({
      '/api/v1/deployments/dep-1/logs/download': () =>
        new Response('line 1\nline 2\n', { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' } }),
    });
    const createObjectURL = vi.fn(() => 'blob:log');
    const revokeObjectURL = vi.fn();
    // jsdom has no object URLs: stand-ins for the test, put back after it.
    const original = { createObjectURL: URL.createObjectURL, revokeObjectURL: URL.revokeObjectURL };
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    onTestFinished(() => void Object.assign(URL, original));
    const clicked: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(`${this.download} ${this.href}`);
    });
    onTestFinished(() => click.mockRestore());
    renderViewer();

    fireEvent.click(screen.getByRole('button', { name: 'Download' }));

    await waitFor(() => expect(clicked).toEqual(['deployment-dep-1.log blob:log']));
    const headers = new Headers(fetchMock.mock.calls[0][1]?.headers);
    expect(headers.get('Authorization')).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(await (createObjectURL.mock.calls[0] as unknown as [Blob])[0].text()).toBe('line 1\nline 2\n');
    await waitFor(() => expect(revokeObjectURL).toHaveBeenCalledWith('blob:log'));
  });

  it('shows why a download failed', async () => {
    mockApi({
      '/api/v1/deployments/dep-1/logs/download': () =>
        new Response(
          JSON.stringify({ type: 'about:blank', title: 'Not Found', status: 404, code: 'not_found', detail: 'No such deployment', traceId: 't-9' }),
          {
            status: 404,
            headers: { 'Content-Type': PROBLEM_CONTENT_TYPE },
          },
        ),
    });
    renderViewer();
    fireEvent.click(screen.getByRole('button', { name: 'Download' }));
    expect((await screen.findByRole('alert')).textContent).toContain('No such deployment');
  });
});
