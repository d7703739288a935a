import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  COMMAND_OUTPUT_TRUNCATED_MARKER,
  type CommandRunLiveEvent,
  type CommandRunSummaryDto,
  ErrorCode,
  type LiveSubscribeMessage,
  Role,
} from '@zpanel/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { emitLiveEvent, liveSubscriptions, refuseLiveSubscriptions } from '../../../test/fake-socket';
import { aMe, aMembership, readyReadiness } from '../../../test/fixtures';
import { jsonResponse, mockApi, problemResponse, requestsTo, validationProblem } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { aPage, aServer } from '../../../test/servers-fixtures';
import { aCommandRun, aCommandRunSummary } from '../../../test/command-runs-fixtures';
import { CommandConsole } from './command-console';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const SERVER = '/api/v1/servers/server-1';
const COMMANDS = `${SERVER}/commands`;
const HISTORY = `${COMMANDS}?page=1&perPage=10`;

function shell(role: Role = Role.Owner) {
  return {
    '/api/v1/me': () => jsonResponse(aMe({ teams: [aMembership({ role })] })),
    '/api/ready': () => jsonResponse(readyReadiness),
    [SERVER]: () => jsonResponse(aServer()),
  };
}

const runSubscriptions = () => liveSubscriptions().filter((s) => s.kind === 'command-run');
const isRun = (runId: string) => (s: LiveSubscribeMessage) => s.kind === 'command-run' && s.runId === runId;
const send = (runId: string, event: CommandRunLiveEvent) => act(() => void emitLiveEvent(isRun(runId), event));
const shownChunks = () =>
  Array.from(screen.getByTestId('command-run-output').querySelectorAll('[data-stream]')).map(
    (c) => `${c.getAttribute('data-stream')}:${c.textContent}`,
  );
const commandBox = () => screen.getByLabelText('Command') as HTMLTextAreaElement;
const runStatus = () => screen.getByTestId('command-run-status').textContent;

describe(CommandConsole.name, () => {
  afterEach(() => refuseLiveSubscriptions(undefined));

  it('runs what the admin typed on Enter, then shows stdout and stderr live apart, and the exit code once finished', async () => {
    const history: CommandRunSummaryDto[] = [];
    const queued = aCommandRun({
      id: 'run-9',
      command: 'echo hello; echo oops >&2; exit 3',
      status: 'queued',
      exitCode: null,
      startedAt: null,
      finishedAt: null,
      output: '',
    });
    // What the API says of the run: queued until the worker finishes it.
    let stored = queued;
    const fetchMock = mockApi({
      ...shell(),
      [HISTORY]: () => jsonResponse(aPage(history, { perPage: 10 })),
      [`POST ${COMMANDS}`]: () => {
        history.unshift(queued);
        return jsonResponse(queued, 202);
      },
      [`${COMMANDS}/run-9`]: () => jsonResponse(stored),
    });
    renderApp('/servers/server-1/console');
    expect(await screen.findByText('No commands have been run on this server yet.')).toBeTruthy();

    fireEvent.change(commandBox(), { target: { value: 'echo hello; echo oops >&2; exit 3' } });
    fireEvent.keyDown(commandBox(), { key: 'Enter' });

    await screen.findByTestId('command-run');
    expect(requestsTo(fetchMock, COMMANDS, 'POST').map((r) => r.body)).toEqual([
      { command: 'echo hello; echo oops >&2; exit 3', timeoutSeconds: 300 },
    ]);
    expect(commandBox().value).toBe('');
    expect(runSubscriptions()).toEqual([expect.objectContaining({ kind: 'command-run', runId: 'run-9' })]);
    expect(runStatus()).toBe('Queued');
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeTruthy();

    send('run-9', { type: 'output', stream: 'stdout', data: 'hello\n' });
    send('run-9', { type: 'output', stream: 'stderr', data: 'oops\n' });
    expect(shownChunks()).toEqual(['stdout:hello\n', 'stderr:oops\n']);
    expect(screen.getByTestId('command-run-output').querySelector('[data-stream="stderr"]')?.className).toContain('command-run__chunk--stderr');

    stored = aCommandRun({ ...queued, status: 'failed', exitCode: 3, error: 'Exited with code 3.', output: 'hello\noops\n' });
    send('run-9', { type: 'finished', status: 'failed', exitCode: 3 });
    expect(runStatus()).toBe('Failed');
    expect(screen.getByTestId('command-run-exit-code').textContent).toBe('exit code 3');
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
    // The live chunks stay on screen; the stored row fills in the reason, and the history the run.
    expect(shownChunks()).toEqual(['stdout:hello\n', 'stderr:oops\n']);
    expect((await screen.findByTestId('command-run-reason')).textContent).toBe('Exited with code 3.');
    await screen.findByTestId('command-history-run-9');
  });

  it('starts a new line on Shift+Enter instead of running', async () => {
    const fetchMock = mockApi({ ...shell(), [HISTORY]: () => jsonResponse(aPage([], { perPage: 10 })) });
    renderApp('/servers/server-1/console');
    await screen.findByText('No commands have been run on this server yet.');

    fireEvent.change(commandBox(), { target: { value: 'for i in 1 2; do' } });
    fireEvent.keyDown(commandBox(), { key: 'Enter', shiftKey: true });
    expect(requestsTo(fetchMock, COMMANDS, 'POST')).toEqual([]);
    fireEvent.change(commandBox(), { target: { value: '   ' } });
    fireEvent.keyDown(commandBox(), { key: 'Enter' });

    expect(requestsTo(fetchMock, COMMANDS, 'POST')).toEqual([]);
    expect(screen.getByText('Type a command to run')).toBeTruthy();
  });

  it('cancels a running command and shows it cancelled', async () => {
    const running = aCommandRun({ id: 'run-2', command: 'sleep 600', status: 'running', exitCode: null, finishedAt: null, output: '' });
    const fetchMock = mockApi({
      ...shell(),
      [HISTORY]: () => jsonResponse(aPage([running], { perPage: 10 })),
      [`${COMMANDS}/run-2`]: () => jsonResponse(running),
      [`POST ${COMMANDS}/run-2/cancel`]: () => jsonResponse({ ...running, cancelRequested: true }, 202),
    });
    renderApp('/servers/server-1/console');

    fireEvent.click(await screen.findByRole('button', { name: 'sleep 600' }));
    await screen.findByTestId('command-run');
    expect(runSubscriptions()).toEqual([expect.objectContaining({ runId: 'run-2' })]);
    expect(runStatus()).toBe('Running');

    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(requestsTo(fetchMock, `${COMMANDS}/run-2/cancel`, 'POST')).toHaveLength(1));
    expect(((await screen.findByRole('button', { name: 'Cancelling…' })) as HTMLButtonElement).disabled).toBe(true);

    send('run-2', { type: 'finished', status: 'cancelled', exitCode: null });
    expect(runStatus()).toBe('Cancelled');
    expect(screen.queryByRole('button', { name: /Cancel/ })).toBeNull();
    expect(screen.queryByTestId('command-run-exit-code')).toBeNull();
  });

  it('shows a finished run’s stored output without following it, and says when it was cut at 1 MiB', async () => {
    const done = aCommandRun({
      id: 'run-3',
      command: 'cat big.log',
      status: 'succeeded',
      exitCode: 0,
      outputTruncated: true,
      output: `aaaa${COMMAND_OUTPUT_TRUNCATED_MARKER}`,
    });
    mockApi({
      ...shell(),
      [HISTORY]: () => jsonResponse(aPage([done], { perPage: 10 })),
      [`${COMMANDS}/run-3`]: () => jsonResponse(done),
    });
    renderApp('/servers/server-1/console');

    fireEvent.click(await screen.findByRole('button', { name: 'cat big.log' }));
    const output = await screen.findByTestId('command-run-output');
    expect(output.textContent).toBe(`aaaa${COMMAND_OUTPUT_TRUNCATED_MARKER}`);
    expect(runSubscriptions()).toEqual([]);
    expect(runStatus()).toBe('Succeeded');
    expect(screen.getByTestId('command-run-exit-code').textContent).toBe('exit code 0');
    expect(screen.getByTestId('command-run-truncated').textContent).toContain('1 MiB');
    expect(screen.getByTestId('command-history-run-3').getAttribute('aria-current')).toBe('true');
  });

  it('shows markup in output as text, live and stored', async () => {
    const markup = '<img src=x onerror=alert(1)>';
    const running = aCommandRun({ id: 'run-6', command: 'cat page.html', status: 'running', exitCode: null, finishedAt: null, output: markup });
    mockApi({ ...shell(), [HISTORY]: () => jsonResponse(aPage([running], { perPage: 10 })), [`${COMMANDS}/run-6`]: () => jsonResponse(running) });
    renderApp('/servers/server-1/console');

    fireEvent.click(await screen.findByRole('button', { name: 'cat page.html' }));
    expect((await screen.findByTestId('command-run-output')).textContent).toBe(markup);
    send('run-6', { type: 'output', stream: 'stdout', data: markup });
    expect(shownChunks()).toEqual([`stdout:${markup}`]);
    expect(screen.getByTestId('command-run-output').querySelector('img')).toBeNull();
  });

  it('lists who ran what, when, and how it ended, a page at a time', async () => {
    const page1 = Array.from({ length: 10 }, (_, i) => aCommandRunSummary({ id: `run-${i}`, command: `echo ${i}` }));
    page1[0] = aCommandRunSummary({
      id: 'run-0',
      command: 'false',
      status: 'failed',
      exitCode: 1,
      actor: { type: 'token', userId: 'user-1', tokenId: 'token-1', name: 'Olive Owner' },
    });
    mockApi({
      ...shell(),
      [HISTORY]: () => jsonResponse(aPage(page1, { perPage: 10, total: 12 })),
      [`${COMMANDS}?page=2&perPage=10`]: () =>
        jsonResponse(aPage([aCommandRunSummary({ id: 'run-old', command: 'uname -a' })], { page: 2, perPage: 10, total: 12 })),
    });
    renderApp('/servers/server-1/console');

    const row = await screen.findByTestId('command-history-run-0');
    expect(within(row).getByRole('button').textContent).toBe('false');
    expect(row.textContent).toContain('Failed');
    expect(row.textContent).toContain('Olive Owner (API token)');
    expect(row.textContent).toContain('5 minutes ago');
    expect(within(row).getAllByRole('cell')[2].textContent).toBe('1');
    expect(screen.getByTestId('pagination-summary').textContent).toBe('1–10 of 12');

    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByTestId('command-history-run-old');
    expect(screen.queryByTestId('command-history-run-0')).toBeNull();
  });

  it('shows the API’s reason under the field it names', async () => {
    mockApi({
      ...shell(),
      [HISTORY]: () => jsonResponse(aPage([], { perPage: 10 })),
      [`POST ${COMMANDS}`]: () => validationProblem({ field: 'command', message: 'command cannot contain a NUL character' }),
    });
    renderApp('/servers/server-1/console');
    await screen.findByText('No commands have been run on this server yet.');

    fireEvent.change(commandBox(), { target: { value: 'echo hi' } });
    fireEvent.click(screen.getByRole('button', { name: 'Run' }));

    expect(await screen.findByText('command cannot contain a NUL character')).toBeTruthy();
    expect(commandBox().getAttribute('aria-invalid')).toBe('true');
    expect(commandBox().value).toBe('echo hi');
  });

  it('shows why the history could not be loaded', async () => {
    mockApi({
      ...shell(),
      [HISTORY]: () => problemResponse({ status: 500, title: 'Internal Server Error', code: ErrorCode.Internal, traceId: 'trace-42' }),
    });
    renderApp('/servers/server-1/console');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Internal Server Error');
    expect(alert.textContent).toContain('trace-42');
  });

  it('says so when the live output cannot be followed', async () => {
    const running = aCommandRun({ id: 'run-5', command: 'top -b', status: 'running', exitCode: null, finishedAt: null, output: 'partial\n' });
    mockApi({ ...shell(), [HISTORY]: () => jsonResponse(aPage([running], { perPage: 10 })), [`${COMMANDS}/run-5`]: () => jsonResponse(running) });
    refuseLiveSubscriptions({ ok: false, status: 503, code: 'service_unavailable', message: 'Live events are unavailable' });
    renderApp('/servers/server-1/console');

    fireEvent.click(await screen.findByRole('button', { name: 'top -b' }));
    expect((await screen.findByText(/Live output unavailable/)).textContent).toBe('Live output unavailable: Live events are unavailable');
    // What was stored so far still shows.
    expect(screen.getByTestId('command-run-output').textContent).toBe('partial\n');
  });

  it.each([Role.Member, Role.Viewer])('tells a %s why they cannot run commands, and asks nothing of the API', async (role) => {
    const fetchMock = mockApi(shell(role));
    renderApp('/servers/server-1/console');

    const box = await screen.findByLabelText('Command');
    expect((box as HTMLTextAreaElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Run' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText(`Your role (${role}) cannot run commands on servers or read their output: ask an owner or admin.`)).toBeTruthy();
    expect(screen.queryByRole('table', { name: 'Commands run' })).toBeNull();
    expect(fetchMock.mock.calls.map(([url]) => String(url)).filter((url) => url.includes('/commands'))).toEqual([]);
  });
});
