import { FakeServerSampler, aServerSample } from '@zpanel/remote/testing';
import { type CheckOutcome, type CheckState, UNREACHABLE_AFTER_FAILURES, nextCheckState } from './server-check-state';

const ready: CheckState = { status: 'ready', statusReason: null, statusReasonCode: null, consecutiveFailures: 0 };
const refused = {
  reachable: false,
  reason: 'Nothing accepts SSH connections on 10.0.0.5:22.',
  code: 'server.unreachable',
} as const satisfies CheckOutcome;

/** Runs checks the way the handler does: each sampler outcome through the state machine. */
async function run(sampler: FakeServerSampler, checks: number, from: CheckState = ready) {
  const states: (CheckState & { statusChanged: boolean })[] = [];
  let state = from;
  for (let i = 0; i < checks; i += 1) {
    const outcome: CheckOutcome = await sampler.sample().then(
      () => ({ reachable: true }),
      (error: Error) => ({ reachable: false, reason: error.message, code: 'server.unreachable' }),
    );
    const next = nextCheckState(state, outcome);
    states.push(next);
    state = next;
  }
  return states;
}

describe(nextCheckState.name, () => {
  it('turns a ready server unreachable at the third failure in a row, once', async () => {
    expect(UNREACHABLE_AFTER_FAILURES).toBe(3);
    const states = await run(new FakeServerSampler(new Error('connect ECONNREFUSED')), 5);
    expect(states.map((s) => [s.status, s.consecutiveFailures, s.statusChanged])).toEqual([
      ['ready', 1, false],
      ['ready', 2, false],
      ['unreachable', 3, true],
      ['unreachable', 4, false],
      ['unreachable', 5, false],
    ]);
    expect(states[2].statusReason).toBe('connect ECONNREFUSED');
  });

  it('forgives one or two failures: a success in between starts the count again', async () => {
    const failure = new Error('timeout');
    const sampler = new FakeServerSampler(failure, failure, aServerSample(), failure, failure, aServerSample());
    const states = await run(sampler, 6);
    expect(states.every((s) => s.status === 'ready' && !s.statusChanged)).toBe(true);
    expect(states.map((s) => s.consecutiveFailures)).toEqual([1, 2, 0, 1, 2, 0]);
  });

  it('brings an unreachable server back to ready at the first success, clearing the reason', async () => {
    const down: CheckState = { status: 'unreachable', statusReason: refused.reason, statusReasonCode: refused.code, consecutiveFailures: 7 };
    const [next] = await run(new FakeServerSampler(aServerSample()), 1, down);
    expect(next).toEqual({ status: 'ready', statusReason: null, statusReasonCode: null, consecutiveFailures: 0, statusChanged: true });
  });

  it('keeps an unreachable server unreachable with the latest reason, without announcing a change', () => {
    const down: CheckState = { status: 'unreachable', statusReason: 'old reason', statusReasonCode: 'server.unreachable', consecutiveFailures: 1 };
    expect(nextCheckState(down, refused)).toEqual({
      status: 'unreachable',
      statusReason: refused.reason,
      statusReasonCode: refused.code,
      consecutiveFailures: 2,
      statusChanged: false,
    });
  });

  it('makes a server whose host key changed invalid at once (checks stop until someone trusts the key)', () => {
    const changed = {
      reachable: false,
      reason: "The server's host key changed",
      code: 'server.host_key_changed',
      hostKeyChanged: true,
    } as const satisfies CheckOutcome;
    expect(nextCheckState(ready, changed)).toEqual({
      status: 'invalid',
      statusReason: changed.reason,
      statusReasonCode: changed.code,
      consecutiveFailures: 1,
      statusChanged: true,
    });
  });
});
