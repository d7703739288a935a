import { act, renderHook } from '@testing-library/react';
import type { CommandRunLiveEvent, LiveSubscribeResult } from '@zpanel/contracts';
import { beforeEach, describe, expect, it, vi } from 'vitest';

type Handler = (...args: unknown[]) => void;

/** A socket that records what it was asked and lets the test play the gateway. */
const fake = vi.hoisted(() => {
  const handlers = new Map<string, Set<Handler>>();
  const emitted: { event: string; payload: unknown; ack?: Handler }[] = [];
  const socket = {
    connected: true,
    on(event: string, handler: Handler) {
      if (!handlers.has(event)) handlers.set(event, new Set());
      handlers.get(event)?.add(handler);
      return socket;
    },
    off(event: string, handler: Handler) {
      handlers.get(event)?.delete(handler);
      return socket;
    },
    emit(event: string, payload: unknown, ack?: Handler) {
      emitted.push({ event, payload, ack });
      return socket;
    },
    fire(event: string, ...args: unknown[]) {
      for (const handler of [...(handlers.get(event) ?? [])]) handler(...args);
    },
  };
  return { socket, emitted, handlers };
});

vi.mock('./socket', () => ({ getSocket: () => fake.socket }));

const { useLiveSubscription } = await import('./use-live-subscription');

const subscribes = () =>
  fake.emitted.filter((e) => e.event === 'live:subscribe') as {
    payload: { subscriptionId: string; after?: string };
    ack: (r: LiveSubscribeResult) => void;
  }[];
const output = (data: string): CommandRunLiveEvent => ({ type: 'output', stream: 'stdout', data });

describe('useLiveSubscription', () => {
  beforeEach(() => {
    fake.emitted.length = 0;
    fake.handlers.clear();
    fake.socket.connected = true;
  });

  const mount = (key: string | null, seen: string[]) =>
    renderHook(
      ({ k }) =>
        useLiveSubscription<'command-run'>(
          k,
          (after) => ({ kind: 'command-run', runId: 'run-1', after }),
          (event) => seen.push(event.type === 'output' ? event.data : event.type),
        ),
      {
        initialProps: { k: key },
      },
    );

  it('subscribes, reports live once acknowledged, and delivers only its own events', () => {
    const seen: string[] = [];
    const { result } = mount('run-1', seen);
    const [sub] = subscribes();
    expect(sub.payload).toEqual(expect.objectContaining({ kind: 'command-run', runId: 'run-1' }));
    expect(result.current.status).toBe('subscribing');

    act(() => sub.ack({ ok: true, subscriptionId: sub.payload.subscriptionId }));
    act(() => fake.socket.fire('live:event', { subscriptionId: sub.payload.subscriptionId, id: '1-0', event: output('mine') }));
    act(() => fake.socket.fire('live:event', { subscriptionId: 'someone-else', id: '2-0', event: output('theirs') }));

    expect(result.current.status).toBe('live');
    expect(seen).toEqual(['mine']);
  });

  it("shows the gateway's refusal", () => {
    const { result } = mount('run-1', []);
    const [sub] = subscribes();
    act(() => sub.ack({ ok: false, status: 404, code: 'not_found', message: 'No such command run' }));
    expect(result.current).toEqual({ status: 'error', message: 'No such command run', httpStatus: 404 });
  });

  it('resubscribes after a reconnect, resuming after the last event received', () => {
    const seen: string[] = [];
    mount('run-1', seen);
    const [first] = subscribes();
    act(() => fake.socket.fire('live:event', { subscriptionId: first.payload.subscriptionId, id: '7-0', event: output('a') }));

    act(() => fake.socket.fire('connect'));

    const [, second] = subscribes();
    expect(second.payload.after).toBe('7-0');
    expect(second.payload.subscriptionId).not.toBe(first.payload.subscriptionId);
    // Late events of the dropped subscription are not delivered twice.
    act(() => fake.socket.fire('live:event', { subscriptionId: first.payload.subscriptionId, id: '8-0', event: output('stale') }));
    expect(seen).toEqual(['a']);
  });

  it('shows a subscription the gateway ended for lost access, and waits for the reconnect after an expiry', () => {
    const seen: string[] = [];
    const { result, unmount } = mount('run-1', seen);
    const [first] = subscribes();
    act(() => first.ack({ ok: true, subscriptionId: first.payload.subscriptionId }));

    act(() =>
      fake.socket.fire('live:ended', { subscriptionId: first.payload.subscriptionId, reason: 'expired', message: 'The access token expired' }),
    );
    expect(result.current.status).toBe('subscribing');
    act(() => fake.socket.fire('connect'));
    const [, second] = subscribes();
    act(() => second.ack({ ok: true, subscriptionId: second.payload.subscriptionId }));
    expect(result.current.status).toBe('live');

    act(() =>
      fake.socket.fire('live:ended', {
        subscriptionId: second.payload.subscriptionId,
        reason: 'forbidden',
        message: 'Your role (member) does not allow this (needs admin)',
      }),
    );
    expect(result.current).toEqual({ status: 'error', message: 'Your role (member) does not allow this (needs admin)', httpStatus: 403 });
    // The gateway already stopped it: nothing left to unsubscribe.
    unmount();
    expect(fake.emitted.filter((e) => e.event === 'live:unsubscribe')).toEqual([]);
  });

  it('waits while the key is null, and unsubscribes on unmount', () => {
    const { rerender, unmount } = mount(null, []);
    expect(subscribes()).toHaveLength(0);
    rerender({ k: 'run-1' });
    const [sub] = subscribes();
    unmount();
    expect(fake.emitted.at(-1)).toEqual(expect.objectContaining({ event: 'live:unsubscribe', payload: sub.payload.subscriptionId }));
  });
});
