import { describe, expect, it } from 'vitest';
import { aSchedule } from '../../test/backups-fixtures';
import { BACKUPS_POLL_MS, SCHEDULES_IDLE_POLL_MS, firedSlots, schedulesRefetchInterval } from './queries';

const NOW = Date.parse('2026-12-07T16:00:00.000Z');
const at = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();

describe(schedulesRefetchInterval.name, () => {
  it('asks just after the earliest enabled slot, ignoring paused schedules', () => {
    const schedules = [
      aSchedule({ id: 'a', nextRunAt: at(90_000) }),
      aSchedule({ id: 'b', nextRunAt: at(30_000) }),
      aSchedule({ id: 'c', enabled: false, nextRunAt: at(5_000) }),
    ];
    expect(schedulesRefetchInterval(schedules, NOW)).toBe(31_000);
  });

  it('asks every few seconds once a slot has come, until the worker fires it', () => {
    expect(schedulesRefetchInterval([aSchedule({ nextRunAt: at(-2_000) })], NOW)).toBe(BACKUPS_POLL_MS);
    expect(schedulesRefetchInterval([aSchedule({ nextRunAt: at(500) })], NOW)).toBe(BACKUPS_POLL_MS);
  });

  it('waits at most the idle period for a far slot, and not at all without an enabled one', () => {
    expect(schedulesRefetchInterval([aSchedule({ nextRunAt: at(31 * 86_400_000) })], NOW)).toBe(SCHEDULES_IDLE_POLL_MS);
    expect(schedulesRefetchInterval([aSchedule({ enabled: false, nextRunAt: null })], NOW)).toBe(false);
    expect(schedulesRefetchInterval([], NOW)).toBe(false);
  });
});

describe(firedSlots.name, () => {
  it('changes when a schedule fires, and only then', () => {
    const before = [aSchedule({ lastRunAt: at(-60_000), nextRunAt: at(1_000) })];
    expect(firedSlots([{ ...before[0], nextRunAt: at(2_000), missedSince: at(0) }])).toBe(firedSlots(before));
    expect(firedSlots([{ ...before[0], lastRunAt: at(1_000), nextRunAt: at(61_000) }])).not.toBe(firedSlots(before));
  });
});
