import { type BackupEntity, BackupsRepository, teamScope } from '@zpanel/database';
import { type SeededTeam, seedBackup, seedBackupDestination, seedServer, seedTeamWithServer, useMigratedDatabase } from '@zpanel/database/testing';
import { RunLeaseStore } from './run-lease';
import { backupRuns } from './run-kinds';

/** The backup claim holds BACKUP_CONCURRENCY_PER_SERVER: a slot per running backup, whatever the workers race. */
describe('backupRuns', () => {
  const db = useMigratedDatabase('backup-run-kind');
  let team: SeededTeam;
  let destinationId: string;

  beforeAll(async () => {
    team = await seedTeamWithServer(db.source, { team: 'slots' });
    destinationId = (await seedBackupDestination(db.source, team)).id;
  });

  const queued = async (serverId: string | null, count: number) =>
    Promise.all(Array.from({ length: count }, () => seedBackup(db.source, { teamId: team.teamId, destinationId, serverId }).then((b) => b.id)));
  const backups = () => new BackupsRepository(db.source.manager);
  const slotOf = async (id: string) => (await backups().getOwned(teamScope(team.teamId), id)).serverSlot;
  /** A claim that lost the race on the slot index counts as refused, as the handler treats it (busy). */
  const claimOrBusy = async (store: RunLeaseStore<BackupEntity>, id: string) => {
    try {
      return await store.claim(id, 'w');
    } catch (error) {
      if ((error as { code?: string }).code === '23505') return false;
      throw error;
    }
  };

  it('runs at most N backups per server, each in the lowest free slot, and a finished one frees its slot', async () => {
    const serverId = await seedServer(db.source, team);
    const otherServerId = await seedServer(db.source, team);
    const store = new RunLeaseStore(db.source, backupRuns(2));
    const [a, b, c] = await queued(serverId, 3);
    const [elsewhere] = await queued(otherServerId, 1);

    expect(await store.claim(a, 'w1')).toBe(true);
    expect(await store.claim(b, 'w2')).toBe(true);
    expect(await store.claim(c, 'w3')).toBe(false);
    expect([await slotOf(a), await slotOf(b)]).toEqual([1, 2]);
    // Another server has slots of its own.
    expect(await store.claim(elsewhere, 'w3')).toBe(true);
    expect(await slotOf(elsewhere)).toBe(1);

    expect(await store.finish(a, 'w1', { status: 'failed', reason: 'x' })).toBe(true);
    expect(await store.claim(c, 'w3')).toBe(true);
    expect(await slotOf(c)).toBe(1);
  });

  it("does not limit the instance's own backups, which run on no server", async () => {
    const store = new RunLeaseStore(db.source, backupRuns(1));
    const ids = await queued(null, 3);
    for (const id of ids) expect(await store.claim(id, 'w')).toBe(true);
    for (const id of ids) expect(await slotOf(id)).toBeNull();
  });

  it('lets exactly N through when many workers claim at once', async () => {
    const serverId = await seedServer(db.source, team);
    const store = new RunLeaseStore(db.source, backupRuns(2));
    const ids = await queued(serverId, 12);
    const claimed = await Promise.all(ids.map((id) => claimOrBusy(store, id)));
    expect(claimed.filter(Boolean)).toHaveLength(2);
    const [running] = await backups().pageOf(teamScope(team.teamId), { skip: 0, take: 100 }, { status: 'running' });
    expect(
      running
        .filter((row) => row.serverId === serverId)
        .map((row) => row.serverSlot)
        .sort(),
    ).toEqual([1, 2]);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => backupRuns(0)).toThrow(RangeError);
    expect(() => backupRuns(1.5)).toThrow(RangeError);
  });
});
