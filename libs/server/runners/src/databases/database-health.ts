import type { DatabaseEngine, DatabaseStatus, ReasonCode } from '@zpanel/contracts';
import type { DatabaseContainerHealth } from '@zpanel/remote';

/** What a server check settles a database to; null status reason when it is fine. */
export interface HealthVerdict {
  status: DatabaseStatus;
  statusReason: string | null;
  statusReasonCode: ReasonCode | null;
}

/** The engine's readiness probe, run only for a database whose container runs; absent when it was not run (the check's budget ran out). */
export type ProbeOutcome = { ok: true } | { ok: false; output: string };

/** What a check knows of one database: its row's status and reason, its container (absent: none), the probe. */
export interface HealthObservation {
  engine: DatabaseEngine;
  status: DatabaseStatus;
  statusReason: string | null;
  statusReasonCode: ReasonCode | null;
  container: DatabaseContainerHealth | undefined;
  probe: ProbeOutcome | undefined;
}

/** The statuses a check may change; every other one belongs to an operation (`creating`, `deleting`) or the user (`failed` until acted on). */
export const HEALTH_CHECKED_STATUSES: readonly DatabaseStatus[] = ['running', 'unhealthy', 'stopped'];

const unhealthy = (statusReasonCode: ReasonCode, statusReason: string): HealthVerdict => ({ status: 'unhealthy', statusReason, statusReasonCode });

function containerProblem(container: DatabaseContainerHealth): HealthVerdict {
  const exit = container.exitCode === null ? '' : ` (exit code ${container.exitCode})`;
  if (container.oomKilled)
    return unhealthy(
      'database.container_oom_killed',
      `The container was killed for running out of memory${exit}; raise its memory limit or free memory on the server, then start it.`,
    );
  if (container.state === 'restarting')
    return unhealthy(
      'database.container_restarting',
      `Docker keeps restarting the container${exit}: the engine stops right after starting; see its logs.`,
    );
  if (container.state === 'exited' || container.state === 'dead')
    return unhealthy('database.container_exited', `The container stopped${exit} without being asked to; see its logs, then start it.`);
  return unhealthy('database.container_exited', `The container is ${container.state}, not running; start the database.`);
}

/**
 * What a server check makes of a database (docs/databases.md, "Status"): null when the row stays as
 * it is. A database the user stopped stays `stopped` while its container does not run (even if it
 * is gone: a start re-creates it), and becomes `running` when someone started the container by hand
 * and the engine answers. A `running` or `unhealthy` one is `unhealthy` with why while its container
 * is gone, stopped, restarting or its engine does not answer, and `running` again once it answers.
 * Without a probe result for a running container (the budget ran out) nothing changes.
 */
export function healthVerdict(observed: HealthObservation): HealthVerdict | null {
  const { container, status } = observed;
  if (!HEALTH_CHECKED_STATUSES.includes(status)) return null;
  let next: HealthVerdict | null;
  if (container?.state === 'running') {
    if (observed.probe === undefined) return null;
    next = observed.probe.ok
      ? { status: 'running', statusReason: null, statusReasonCode: null }
      : unhealthy('database.probe_failed', `The container runs but ${observed.engine} does not answer its readiness probe: ${observed.probe.output}`);
  } else if (status === 'stopped') {
    next = null;
  } else if (container === undefined) {
    next = unhealthy(
      'database.container_missing',
      'The container is gone (removed outside Zpanel?); start the database to create it again on its volume.',
    );
  } else {
    next = containerProblem(container);
  }
  if (next === null) return null;
  const same = next.status === status && next.statusReasonCode === observed.statusReasonCode && next.statusReason === observed.statusReason;
  return same ? null : next;
}

/** Probe output as a reason: one line, no control characters, short. Secrets are redacted before this. */
export function probeWords(output: string): string {
  const flat = output
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (flat === '') return 'no answer';
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}
