import type { DatabaseStatus } from '@zpanel/contracts';
import type { DatabaseContainerHealth } from '@zpanel/remote';
import { type HealthObservation, healthVerdict, probeWords } from './database-health';

const running: DatabaseContainerHealth = { state: 'running', exitCode: null, oomKilled: false };
const exited = (exitCode: number, oomKilled = false): DatabaseContainerHealth => ({ state: 'exited', exitCode, oomKilled });
const observe = (status: DatabaseStatus, over: Partial<HealthObservation> = {}): HealthObservation => ({
  engine: 'postgresql',
  status,
  statusReason: null,
  statusReasonCode: null,
  container: running,
  probe: { ok: true },
  ...over,
});

describe(healthVerdict.name, () => {
  it('marks a running database unhealthy when its container is gone, stopped, killed for memory, restarting or not answering', () => {
    expect(healthVerdict(observe('running', { container: undefined, probe: undefined }))).toEqual({
      status: 'unhealthy',
      statusReasonCode: 'database.container_missing',
      statusReason: expect.stringContaining('The container is gone'),
    });
    expect(healthVerdict(observe('running', { container: exited(1), probe: undefined }))).toEqual({
      status: 'unhealthy',
      statusReasonCode: 'database.container_exited',
      statusReason: expect.stringContaining('The container stopped (exit code 1)'),
    });
    expect(healthVerdict(observe('running', { container: { state: 'dead', exitCode: 255, oomKilled: false }, probe: undefined }))).toMatchObject({
      statusReasonCode: 'database.container_exited',
      statusReason: expect.stringContaining('exit code 255'),
    });
    expect(healthVerdict(observe('running', { container: exited(137, true), probe: undefined }))).toEqual({
      status: 'unhealthy',
      statusReasonCode: 'database.container_oom_killed',
      statusReason: expect.stringMatching(/killed for running out of memory \(exit code 137\).*memory limit/),
    });
    expect(healthVerdict(observe('running', { container: { state: 'restarting', exitCode: 1, oomKilled: false }, probe: undefined }))).toEqual({
      status: 'unhealthy',
      statusReasonCode: 'database.container_restarting',
      statusReason: expect.stringContaining('Docker keeps restarting the container (exit code 1)'),
    });
    expect(healthVerdict(observe('running', { container: { state: 'paused', exitCode: null, oomKilled: false }, probe: undefined }))).toMatchObject({
      statusReasonCode: 'database.container_exited',
      statusReason: expect.stringContaining('The container is paused'),
    });
    expect(healthVerdict(observe('running', { probe: { ok: false, output: '127.0.0.1:5432 - no response' } }))).toEqual({
      status: 'unhealthy',
      statusReasonCode: 'database.probe_failed',
      statusReason: 'The container runs but postgresql does not answer its readiness probe: 127.0.0.1:5432 - no response',
    });
  });

  it('brings an unhealthy database back to running, reason cleared, once its engine answers', () => {
    const sick = { statusReason: 'The container is gone …', statusReasonCode: 'database.container_missing' as const };
    expect(healthVerdict(observe('unhealthy', sick))).toEqual({ status: 'running', statusReason: null, statusReasonCode: null });
  });

  it('changes the reason of an unhealthy database when the cause changes, and writes nothing when it is the same', () => {
    const missing = healthVerdict(observe('running', { container: undefined, probe: undefined }));
    const stillMissing = observe('unhealthy', {
      statusReason: missing?.statusReason ?? null,
      statusReasonCode: 'database.container_missing',
      container: undefined,
    });
    expect(healthVerdict(stillMissing)).toBeNull();
    expect(healthVerdict({ ...stillMissing, container: exited(137, true), probe: undefined })).toMatchObject({
      status: 'unhealthy',
      statusReasonCode: 'database.container_oom_killed',
    });
    expect(healthVerdict(observe('running'))).toBeNull();
  });

  it('leaves a stopped database stopped while its container does not run, and calls it running when someone started it', () => {
    for (const container of [undefined, exited(0), exited(137, true), { state: 'restarting', exitCode: 1, oomKilled: false }]) {
      expect(healthVerdict(observe('stopped', { container, probe: undefined }))).toBeNull();
    }
    expect(healthVerdict(observe('stopped'))).toEqual({ status: 'running', statusReason: null, statusReasonCode: null });
    expect(healthVerdict(observe('stopped', { probe: { ok: false, output: 'no response' } }))).toMatchObject({
      status: 'unhealthy',
      statusReasonCode: 'database.probe_failed',
    });
  });

  it('changes nothing for a running container whose probe did not run in time', () => {
    for (const status of ['running', 'unhealthy', 'stopped'] as const) expect(healthVerdict(observe(status, { probe: undefined }))).toBeNull();
  });

  it('never touches a status an operation or the user owns', () => {
    for (const status of ['creating', 'deleting', 'failed'] as const) {
      expect(healthVerdict(observe(status, { container: undefined, probe: undefined }))).toBeNull();
      expect(healthVerdict(observe(status))).toBeNull();
    }
  });
});

describe(probeWords.name, () => {
  it('makes one short line of what the probe said', () => {
    expect(probeWords('a\r\nb\u0000\tc\u001b[31m')).toBe('a b c [31m');
    expect(probeWords('   ')).toBe('no answer');
    expect(probeWords('x'.repeat(1_000))).toHaveLength(301);
  });
});
