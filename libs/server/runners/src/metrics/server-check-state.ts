import type { ReasonCode, ServerStatus } from '@zpanel/contracts';

/** Failed checks in a row after which a ready server is marked unreachable. */
export const UNREACHABLE_AFTER_FAILURES = 3;

/** The statuses the periodic check runs in; the others belong to validation (or wait for a person). */
export const CHECKED_STATUSES: readonly ServerStatus[] = ['ready', 'unreachable'];

export interface CheckState {
  status: ServerStatus;
  statusReason: string | null;
  statusReasonCode: ReasonCode | null;
  consecutiveFailures: number;
}

export type CheckOutcome =
  | { reachable: true }
  /** `hostKeyChanged`: the server presented another host key than the pinned one. */
  | { reachable: false; reason: string; code: ReasonCode; hostKeyChanged?: boolean };

/**
 * Where one check leaves a server: a success resets the failure count and brings an unreachable
 * server back to ready; the third failure in a row makes a ready server unreachable (one lost
 * packet is not an outage); a changed host key makes it invalid at once, as validation would, and
 * the checks stop until someone trusts the new key.
 */
export function nextCheckState(current: CheckState, outcome: CheckOutcome): CheckState & { statusChanged: boolean } {
  if (outcome.reachable) {
    const status: ServerStatus = current.status === 'unreachable' ? 'ready' : current.status;
    const same = status === current.status;
    return {
      status,
      statusReason: same ? current.statusReason : null,
      statusReasonCode: same ? current.statusReasonCode : null,
      consecutiveFailures: 0,
      statusChanged: !same,
    };
  }
  const consecutiveFailures = current.consecutiveFailures + 1;
  if (outcome.hostKeyChanged) {
    return {
      status: 'invalid',
      statusReason: outcome.reason,
      statusReasonCode: outcome.code,
      consecutiveFailures,
      statusChanged: current.status !== 'invalid',
    };
  }
  if (consecutiveFailures >= UNREACHABLE_AFTER_FAILURES || current.status === 'unreachable') {
    return {
      status: 'unreachable',
      statusReason: outcome.reason,
      statusReasonCode: outcome.code,
      consecutiveFailures,
      statusChanged: current.status !== 'unreachable',
    };
  }
  return { ...current, consecutiveFailures, statusChanged: false };
}
