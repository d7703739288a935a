import { expiredBackups } from './backup-follow-ups';

describe(expiredBackups.name, () => {
  const now = new Date('2026-06-10T00:00:00Z');
  const daysAgo = (days: number) => ({ id: `d${days}`, createdAt: new Date(now.getTime() - days * 86_400_000 - 1) });
  // Newest first, as the repository lists a schedule's succeeded backups.
  const succeeded = [daysAgo(0), daysAgo(1), daysAgo(2), daysAgo(5), daysAgo(9)];
  const ids = (list: { id: string }[]) => list.map((backup) => backup.id);

  it('keeps the newest `retentionCount` backups', () => {
    expect(ids(expiredBackups(succeeded, { retentionCount: 3, retentionDays: null }, now))).toEqual(['d5', 'd9']);
    expect(ids(expiredBackups(succeeded, { retentionCount: 5, retentionDays: null }, now))).toEqual([]);
  });

  it('removes backups older than `retentionDays`', () => {
    expect(ids(expiredBackups(succeeded, { retentionCount: null, retentionDays: 2 }, now))).toEqual(['d2', 'd5', 'd9']);
  });

  it('with both, removes what either rule expires', () => {
    expect(ids(expiredBackups(succeeded, { retentionCount: 4, retentionDays: 6 }, now))).toEqual(['d9']);
    expect(ids(expiredBackups(succeeded, { retentionCount: 2, retentionDays: 6 }, now))).toEqual(['d2', 'd5', 'd9']);
  });

  it('never removes the newest backup, however old, so a schedule always keeps one', () => {
    expect(ids(expiredBackups([daysAgo(30), daysAgo(40)], { retentionCount: 1, retentionDays: 1 }, now))).toEqual(['d40']);
    expect(expiredBackups([], { retentionCount: 1, retentionDays: 1 }, now)).toEqual([]);
  });
});
