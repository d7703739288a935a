import { createLogger } from '@zpanel/core';
import { type LeaseStore, RunLease } from './run-lease';

/** A run table in memory: what a lease claims, beats and finishes. */
class FakeStore implements LeaseStore {
  rows = new Map<string, { status: string; workerId: string | null; beats: number; cancel: boolean; fields: Record<string, unknown> }>();
  progress: Record<string, unknown>[] = [];

  add(id: string, status = 'queued') {
    this.rows.set(id, { status, workerId: null, beats: 0, cancel: false, fields: {} });
  }
  async claim(runId: string, workerId: string) {
    const row = this.rows.get(runId);
    if (row?.status !== 'queued') return false;
    Object.assign(row, { status: 'running', workerId });
    return true;
  }
  async beat(runId: string, progress: Record<string, unknown>) {
    const row = this.rows.get(runId);
    if (row?.status === 'running') row.beats += 1;
    this.progress.push(progress);
  }
  async cancelState(runId: string) {
    const row = this.rows.get(runId);
    if (!row) return 'gone' as const;
    return row.cancel ? ('cancelled' as const) : ('none' as const);
  }
  async finish(runId: string, workerId: string, fields: Record<string, unknown>) {
    const row = this.rows.get(runId);
    if (row?.status !== 'running' || row.workerId !== workerId) return false;
    Object.assign(row, { status: fields.status, fields });
    return true;
  }
}

describe(RunLease.name, () => {
  const logger = createLogger({ level: 'silent', name: 'test' });
  const timings = { heartbeatMs: 1_000, cancelPollMs: 200 };
  let store: FakeStore;
  let lease: RunLease;
  let worker: AbortController;

  beforeEach(() => {
    jest.useFakeTimers();
    store = new FakeStore();
    lease = new RunLease(store, 'worker-a', () => timings, logger, 'deleted');
    worker = new AbortController();
  });
  afterEach(() => jest.useRealTimers());

  it('claims a queued run once: a second claim, or a claim of a finished run, gets nothing', async () => {
    store.add('r1');
    expect(await lease.claim('r1')).toBe(true);
    expect(await lease.claim('r1')).toBe(false);
    expect(await new RunLease(store, 'worker-b', () => timings, logger, 'deleted').claim('r1')).toBe(false);
    expect(store.rows.get('r1')).toMatchObject({ status: 'running', workerId: 'worker-a' });
  });

  it('heartbeats on its interval with the progress columns, and stops beating once released', async () => {
    store.add('r1');
    await lease.claim('r1');
    let n = 0;
    const held = lease.hold('r1', { workerSignal: worker.signal, progress: () => ({ output: `line ${(n += 1)}` }) });
    await jest.advanceTimersByTimeAsync(3_000);
    expect(store.rows.get('r1')?.beats).toBe(3);
    expect(store.progress).toEqual([{ output: 'line 1' }, { output: 'line 2' }, { output: 'line 3' }]);
    held.release();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(store.rows.get('r1')?.beats).toBe(3);
    expect(held.signal.aborted).toBe(false);
  });

  it('refreshes the other leases the run holds on each heartbeat, and a failing refresh stops nothing', async () => {
    store.add('r1');
    await lease.claim('r1');
    const onBeat = jest.fn().mockRejectedValue(new Error('redis away'));
    const held = lease.hold('r1', { workerSignal: worker.signal, onBeat });
    await jest.advanceTimersByTimeAsync(2_000);
    expect(onBeat).toHaveBeenCalledTimes(2);
    expect(held.signal.aborted).toBe(false);
    held.release();
  });

  it.each([
    ['a cancel request', (s: FakeStore) => (s.rows.get('r1')!.cancel = true), 'cancelled'],
    ['the row deleted', (s: FakeStore) => s.rows.delete('r1'), 'deleted'],
  ])('aborts the run on %s, seen by the cancel poll', async (_what, change, reason) => {
    store.add('r1');
    await lease.claim('r1');
    const held = lease.hold('r1', { workerSignal: worker.signal });
    await jest.advanceTimersByTimeAsync(400);
    expect(held.signal.aborted).toBe(false);
    change(store);
    await jest.advanceTimersByTimeAsync(200);
    expect(held.signal.reason).toBe(reason);
    held.release();
  });

  it('aborts with "timeout" after the run\'s timeout, and with "worker-stopped" when the worker stops (even stopped already)', async () => {
    store.add('r1');
    await lease.claim('r1');
    const timed = lease.hold('r1', { workerSignal: worker.signal, timeoutMs: 5_000 });
    await jest.advanceTimersByTimeAsync(4_999);
    expect(timed.signal.aborted).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(timed.signal.reason).toBe('timeout');
    timed.release();

    const stopping = lease.hold('r1', { workerSignal: worker.signal, timeoutMs: 5_000 });
    worker.abort();
    expect(stopping.signal.reason).toBe('worker-stopped');
    stopping.release();
    expect(lease.hold('r1', { workerSignal: worker.signal }).signal.reason).toBe('worker-stopped');
  });

  it('the first reason wins: a timeout after a cancel stays a cancel', async () => {
    store.add('r1');
    await lease.claim('r1');
    const held = lease.hold('r1', { workerSignal: worker.signal, timeoutMs: 1_000 });
    store.rows.get('r1')!.cancel = true;
    await jest.advanceTimersByTimeAsync(1_000);
    expect(held.signal.reason).toBe('cancelled');
    held.release();
  });

  it("finishes with the terminal state and reason only while the run is still this worker's: a reaped run stays failed", async () => {
    store.add('r1');
    store.add('r2');
    await lease.claim('r1');
    await lease.claim('r2');
    expect(await lease.finish('r1', { status: 'success', reason: null })).toBe(true);
    expect(store.rows.get('r1')).toMatchObject({ status: 'success' });
    // The reaper failed r2 while this worker looked dead.
    Object.assign(store.rows.get('r2')!, { status: 'failed' });
    expect(await lease.finish('r2', { status: 'success', reason: null })).toBe(false);
    expect(store.rows.get('r2')).toMatchObject({ status: 'failed' });
  });

  it('reads its timings at hold time, so a test can shorten them after construction', async () => {
    let current = { heartbeatMs: 10_000, cancelPollMs: 10_000 };
    const tunable = new RunLease(store, 'worker-a', () => current, logger, 'deleted');
    store.add('r1');
    await tunable.claim('r1');
    current = { heartbeatMs: 100, cancelPollMs: 100 };
    const held = tunable.hold('r1', { workerSignal: worker.signal });
    await jest.advanceTimersByTimeAsync(300);
    expect(store.rows.get('r1')?.beats).toBe(3);
    held.release();
  });
});
