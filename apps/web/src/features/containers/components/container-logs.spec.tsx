import { act, fireEvent, render, screen } from '@testing-library/react';
import type { ContainerLogLine, ContainerLogLiveEvent, LiveSubscribeMessage } from '@zpanel/contracts';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { emitLiveEvent, liveSubscriptions, refuseLiveSubscriptions } from '../../../test/fake-socket';
import { ContainerLogs, MAX_LOG_LINES } from './container-logs';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const isFollow = (s: LiveSubscribeMessage) => s.kind === 'container-logs';
const follows = () => liveSubscriptions().filter(isFollow);
const send = (event: ContainerLogLiveEvent) => act(() => void emitLiveEvent(isFollow, event));
const out = (line: string): ContainerLogLine => ({ stream: 'stdout', line });
const err = (line: string): ContainerLogLine => ({ stream: 'stderr', line });
const shownLines = () =>
  Array.from(screen.getByTestId('container-log-lines').querySelectorAll('[data-stream]')).map(
    (l) => `${l.getAttribute('data-stream')}:${l.lastChild?.textContent}`,
  );
const status = () => screen.getByTestId('container-logs-status').textContent;

function renderLogs(onClose = () => undefined) {
  return render(<ContainerLogs serverId="server-1" containerId="web" name="web" onClose={onClose} />);
}

describe(ContainerLogs.name, () => {
  afterEach(() => refuseLiveSubscriptions(undefined));

  it('follows the last 200 lines and new ones as they come, stderr told apart', () => {
    renderLogs();
    expect(follows()).toEqual([expect.objectContaining({ kind: 'container-logs', serverId: 'server-1', containerId: 'web', tail: 200 })]);
    expect(status()).toBe('Following');
    expect(screen.getByText('No output yet.')).toBeTruthy();

    send({ type: 'lines', lines: [out('listening on :8080'), err('warning: no cache')] });
    send({ type: 'lines', lines: [out('GET / 200')] });

    expect(shownLines()).toEqual(['stdout:listening on :8080', 'stderr:warning: no cache', 'stdout:GET / 200']);
    const stderr = screen.getByText('warning: no cache').parentElement!;
    expect(stderr.className).toContain('container-logs__line--stderr');
    expect(stderr.textContent).toBe('errwarning: no cache');
  });

  it('shows markup and terminal colour codes as plain text', () => {
    renderLogs();
    send({ type: 'lines', lines: [out('<img src=x onerror=alert(1)>'), out('\u001b[31mred\u001b[0m alert')] });
    expect(shownLines()).toEqual(['stdout:<img src=x onerror=alert(1)>', 'stdout:red alert']);
    expect(screen.getByTestId('container-log-lines').querySelector('img')).toBeNull();
  });

  it('starts a new follow from the chosen number of lines', () => {
    renderLogs();
    const first = follows()[0].subscriptionId;
    send({ type: 'lines', lines: [out('from the first follow')] });

    fireEvent.change(screen.getByLabelText('Last lines'), { target: { value: '1000' } });

    expect(follows()).toEqual([expect.objectContaining({ tail: 1000 })]);
    expect(follows()[0].subscriptionId).not.toBe(first);
    expect(shownLines()).toEqual([]);
  });

  it('pauses when follow is switched off, keeping what it showed, and starts over when switched on', () => {
    renderLogs();
    send({ type: 'lines', lines: [out('one')] });

    fireEvent.click(screen.getByLabelText('Follow'));
    expect(follows()).toEqual([]);
    expect(status()).toBe('Paused');
    expect(shownLines()).toEqual(['stdout:one']);

    fireEvent.click(screen.getByLabelText('Follow'));
    expect(follows()).toHaveLength(1);
    expect(shownLines()).toEqual([]);
    send({ type: 'lines', lines: [out('one'), out('two')] });
    expect(shownLines()).toEqual(['stdout:one', 'stdout:two']);
  });

  it('says why the follow ended, and follows again on request', () => {
    renderLogs();
    send({ type: 'lines', lines: [out('bye')] });
    send({ type: 'end', reason: 'The container stopped (exit code 0)' });

    expect(status()).toBe('Ended: The container stopped (exit code 0)Follow again');
    expect(shownLines()).toEqual(['stdout:bye']);

    const ended = follows()[0].subscriptionId;
    fireEvent.click(screen.getByRole('button', { name: 'Follow again' }));
    expect(follows()).toHaveLength(1);
    expect(follows()[0].subscriptionId).not.toBe(ended);
    expect(status()).toBe('Following');
  });

  it('keeps only the last 5000 lines, saying so', () => {
    renderLogs();
    for (let batch = 0; batch < 11; batch += 1) {
      send({ type: 'lines', lines: Array.from({ length: 500 }, (_, i) => out(`line ${batch * 500 + i}`)) });
    }
    const shown = shownLines();
    expect(shown).toHaveLength(MAX_LOG_LINES);
    expect(shown[0]).toBe('stdout:line 500');
    expect(shown.at(-1)).toBe('stdout:line 5499');
    expect(screen.getByText('Showing the last 5000 lines; older ones were let go.')).toBeTruthy();
    // Rendering 5,500 lines in jsdom takes seconds on a busy 2-core machine: a timeout, not a speed target.
  }, 30_000);

  it('scrolls to each new line until the reader scrolls up, and resumes on "Jump to latest"', () => {
    renderLogs();
    const viewport = screen.getByTestId('container-log-lines');
    let scrollHeight = 1_000;
    Object.defineProperty(viewport, 'scrollHeight', { configurable: true, get: () => scrollHeight });
    Object.defineProperty(viewport, 'clientHeight', { configurable: true, get: () => 200 });

    send({ type: 'lines', lines: [out('a')] });
    expect(viewport.scrollTop).toBe(1_000);

    viewport.scrollTop = 300;
    fireEvent.scroll(viewport);
    scrollHeight = 1_200;
    send({ type: 'lines', lines: [out('b')] });
    expect(viewport.scrollTop).toBe(300);

    fireEvent.click(screen.getByRole('button', { name: 'Jump to latest' }));
    expect(viewport.scrollTop).toBe(1_200);
    expect(screen.queryByRole('button', { name: 'Jump to latest' })).toBeNull();
  });

  it('shows why a follow was refused', () => {
    refuseLiveSubscriptions({ ok: false, status: 400, code: 'validation_failed', message: 'Invalid field(s): containerId' });
    renderLogs();
    expect(status()).toBe('Invalid field(s): containerId');
  });

  it('stops following when closed', () => {
    const onClose = vi.fn();
    const view = renderLogs(onClose);
    fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(onClose).toHaveBeenCalledOnce();
    view.unmount();
    expect(follows()).toEqual([]);
  });
});
