import { randomUUID } from 'node:crypto';
import { BackupDestinationEntity, DatabaseEntity, ServerEntity, TeamEntity } from '../entities';
import {
  type SeededEnvironment,
  type SeededTeam,
  seedApplication,
  seedBackup,
  seedBackupDestination,
  seedBackupSchedule,
  seedDatabase,
  seedEnvironment,
  seedTeamWithServer,
  seedVolume,
  useMigratedDatabase,
} from '../testing';
import { BackupDestinationsRepository } from './backup-destinations.repository';
import { BackupSchedulesRepository } from './backup-schedules.repository';
import { BackupsRepository } from './backups.repository';
import { instanceScope } from './owner-scope';
import { RestoresRepository } from './restores.repository';
import { type TeamScope, teamScope } from './team-scope';

/**
 * Backups' tables and repositories: each team sees its own rows, the instance's (team_id null) are
 * no team's, the CHECKs hold the destination kinds and schedule sources, and the foreign keys keep
 * history when sources go while refusing to lose a destination something still needs.
 */
describe('backup repositories', () => {
  const db = useMigratedDatabase('backup-repositories');
  let destinations: BackupDestinationsRepository;
  let schedules: BackupSchedulesRepository;
  let backups: BackupsRepository;
  let restores: RestoresRepository;
  let ours: SeededTeam & SeededEnvironment & { scope: TeamScope };
  let theirs: SeededTeam & SeededEnvironment & { scope: TeamScope };

  const seedTeam = async (name: string) => {
    const team = await seedTeamWithServer(db.source, { team: name });
    return { ...team, ...(await seedEnvironment(db.source, team)), scope: teamScope(team.teamId) };
  };
  const named = () => ({ database: { name: `db-${randomUUID().slice(0, 8)}` } });
  const by = { userId: null, tokenId: null, actorName: 'Olive' };

  beforeAll(async () => {
    destinations = new BackupDestinationsRepository(db.source.manager);
    schedules = new BackupSchedulesRepository(db.source.manager);
    backups = new BackupsRepository(db.source.manager);
    restores = new RestoresRepository(db.source.manager);
    ours = await seedTeam('ours');
    theirs = await seedTeam('theirs');
  });

  describe('destinations', () => {
    const s3 = {
      name: 'offsite',
      kind: 's3' as const,
      endpoint: 'https://s3.example.com',
      region: 'eu-west-1',
      bucket: 'zp-backups',
      prefix: 'prod/db',
      forcePathStyle: false,
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'sealed-secret',
      serverId: null,
      path: null,
      dataKey: 'sealed-data-key',
      dataKeyId: 'fp-1',
    };

    it("are their team's only, never select the sealed keys, and one name per team", async () => {
      const id = randomUUID();
      const saved = await destinations.add(ours.scope, id, s3);
      expect(saved).toMatchObject({ id, teamId: ours.teamId, name: 'offsite', bucket: 'zp-backups', dataKeyId: 'fp-1' });
      expect(saved).not.toHaveProperty('secretAccessKey');
      expect(saved).not.toHaveProperty('dataKey');
      expect((await destinations.listOf(ours.scope)).map((d) => d.id)).toContain(id);
      expect(await destinations.sealedKeys(ours.scope, id)).toEqual({ secretAccessKey: 'sealed-secret', dataKey: 'sealed-data-key' });

      expect(await destinations.find(theirs.scope, id)).toBeNull();
      expect(await destinations.sealedKeys(theirs.scope, id)).toBeNull();
      expect(await destinations.listOf(theirs.scope)).toEqual([]);
      expect(await destinations.teamOf(id)).toBe(ours.teamId);

      expect(await destinations.nameTaken(ours.scope, 'offsite')).toBe(true);
      expect(await destinations.nameTaken(ours.scope, 'offsite', id)).toBe(false);
      expect(await destinations.nameTaken(theirs.scope, 'offsite')).toBe(false);
      await expect(destinations.add(ours.scope, randomUUID(), s3)).rejects.toMatchObject({ code: '23505' });
      await destinations.add(theirs.scope, randomUUID(), s3);

      const changed = await destinations.change(ours.scope, id, { prefix: null, forcePathStyle: true });
      expect(changed).toMatchObject({ prefix: null, forcePathStyle: true });
      expect(changed.updatedAt.getTime()).toBeGreaterThanOrEqual(saved.updatedAt.getTime());
      expect(await destinations.countOf(ours.scope)).toBeGreaterThanOrEqual(1);
    });

    it('hold the fields of their kind only', async () => {
      const server = {
        ...s3,
        kind: 'server' as const,
        endpoint: null,
        region: null,
        bucket: null,
        prefix: null,
        forcePathStyle: null,
        accessKeyId: null,
        secretAccessKey: null,
      };
      const add = (fields: object) => destinations.add(ours.scope, randomUUID(), { ...s3, ...fields, name: `d-${randomUUID().slice(0, 8)}` });
      await expect(add({ ...server, serverId: ours.serverId, path: '/srv/backups' })).resolves.toMatchObject({
        kind: 'server',
        path: '/srv/backups',
      });
      await expect(add({ ...server, serverId: ours.serverId, path: null })).rejects.toThrow(/check/);
      await expect(add({ ...server, serverId: ours.serverId, path: 'relative/dir' })).rejects.toThrow(/check/);
      await expect(add({ ...server, serverId: ours.serverId, path: '/srv', bucket: 'zp-backups' })).rejects.toThrow(/check/);
      await expect(add({ serverId: ours.serverId, path: '/srv' })).rejects.toThrow(/check/);
      await expect(add({ secretAccessKey: null })).rejects.toThrow(/check/);
      await expect(add({ bucket: 'Not_A_Bucket' })).rejects.toThrow(/check/);
      await expect(add({ prefix: 'p'.repeat(201) })).rejects.toThrow(/check/);
    });

    it('cannot be deleted while a schedule writes there, nor their server while they are on it; a team goes with all of it', async () => {
      const team = await seedTeam('leaving');
      const onServer = await seedBackupDestination(db.source, team, { kind: 'server', serverId: team.serverId, path: '/srv/b' });
      const database = await seedDatabase(db.source, team, named());
      const schedule = await seedBackupSchedule(db.source, { teamId: team.teamId, destinationId: onServer.id, databaseId: database.id });
      await seedBackup(db.source, { teamId: team.teamId, destinationId: onServer.id, databaseId: database.id }, { scheduleId: schedule.id });

      expect(await schedules.countUsingDestination(onServer.id)).toBe(1);
      await expect(destinations.deleteOne(team.scope, onServer.id)).rejects.toMatchObject({ code: '23503' });
      expect(await destinations.countOnServer(team.serverId)).toBe(1);
      await expect(db.source.getRepository(ServerEntity).delete({ id: team.serverId })).rejects.toMatchObject({ code: '23503' });

      await db.source.getRepository(TeamEntity).delete({ id: team.teamId });
      expect(await db.source.getRepository(BackupDestinationEntity).countBy({ teamId: team.teamId })).toBe(0);
      expect(await schedules.findByIdAcrossTeams(schedule.id)).toBeNull();
    });
  });

  describe('schedules', () => {
    it('have exactly one source of their kind, and at least one retention rule', async () => {
      const destination = await seedBackupDestination(db.source, ours);
      const database = await seedDatabase(db.source, ours, named());
      const base = {
        destinationId: destination.id,
        cron: '0 3 * * *',
        timezone: 'UTC',
        retentionCount: 7,
        retentionDays: null,
        verifyAfterBackup: true,
        timeoutMinutes: 60,
        enabled: true,
        nextRunAt: null,
      };
      const saved = await schedules.add(ours.scope, { ...base, sourceKind: 'database', databaseId: database.id, volumeId: null });
      expect(saved).toMatchObject({ teamId: ours.teamId, sourceKind: 'database', databaseId: database.id, retentionCount: 7, missedSince: null });

      await expect(
        schedules.add(ours.scope, { ...base, sourceKind: 'database', databaseId: database.id, volumeId: null, retentionCount: null }),
      ).rejects.toThrow(/check/);
      await expect(schedules.add(ours.scope, { ...base, sourceKind: 'volume', databaseId: database.id, volumeId: null })).rejects.toThrow(/check/);
      await expect(schedules.add(ours.scope, { ...base, sourceKind: 'database', databaseId: null, volumeId: null })).rejects.toThrow(/check/);
      // An instance schedule has no team; a team's cannot be of the instance.
      await expect(schedules.add(ours.scope, { ...base, sourceKind: 'instance', databaseId: null, volumeId: null })).rejects.toThrow(/check/);
      await expect(
        schedules.add(ours.scope, { ...base, sourceKind: 'database', databaseId: database.id, volumeId: null, retentionDays: 0 }),
      ).rejects.toThrow(/check/);
      await expect(
        schedules.add(ours.scope, { ...base, sourceKind: 'database', databaseId: database.id, volumeId: null, timeoutMinutes: 0 }),
      ).rejects.toThrow(/check/);
    });

    it("are their team's only; the instance's are no team's, and go with their source", async () => {
      const destination = await seedBackupDestination(db.source, ours);
      const database = await seedDatabase(db.source, ours, named());
      const application = await seedApplication(db.source, { ...ours }, { name: `app-${randomUUID().slice(0, 8)}` });
      const volume = await seedVolume(db.source, { teamId: ours.teamId, applicationId: application.id });
      const ofDatabase = await seedBackupSchedule(db.source, { teamId: ours.teamId, destinationId: destination.id, databaseId: database.id });
      const ofVolume = await seedBackupSchedule(db.source, { teamId: ours.teamId, destinationId: destination.id, volumeId: volume.id });
      const ofInstance = await seedBackupSchedule(db.source, { teamId: null, destinationId: destination.id });

      expect((await schedules.pageOf(ours.scope, { skip: 0, take: 50 }, { databaseId: database.id }))[0].map((s) => s.id)).toEqual([ofDatabase.id]);
      expect((await schedules.pageOf(ours.scope, { skip: 0, take: 50 }, { volumeId: volume.id }))[0].map((s) => s.id)).toEqual([ofVolume.id]);
      const [all] = await schedules.pageOf(ours.scope, { skip: 0, take: 50 });
      expect(all.map((s) => s.id)).toEqual(expect.arrayContaining([ofDatabase.id, ofVolume.id]));
      expect(all.map((s) => s.id)).not.toContain(ofInstance.id);
      expect(await schedules.pageOf(theirs.scope, { skip: 0, take: 50 }, { databaseId: database.id })).toEqual([[], 0]);
      expect(await schedules.findOwned(theirs.scope, ofDatabase.id)).toBeNull();

      // The instance's: invisible to every team (teamOf answers as for an unknown id), seen with the instance scope only.
      expect(await schedules.teamOf(ofInstance.id)).toBeUndefined();
      expect(await schedules.find(ours.scope, ofInstance.id)).toBeNull();
      expect(await schedules.findOwned(instanceScope(), ofInstance.id)).toMatchObject({ id: ofInstance.id, sourceKind: 'instance', teamId: null });
      expect(await schedules.findOwned(instanceScope(), ofDatabase.id)).toBeNull();
      expect((await schedules.pageOf(instanceScope(), { skip: 0, take: 50 }))[0].map((s) => s.id)).toEqual([ofInstance.id]);
      // A scope that is not one never turns into "every row".
      expect(() => schedules.findOwned({} as TeamScope, ofDatabase.id)).toThrow(/TeamScope/);

      await db.source.getRepository(DatabaseEntity).delete({ id: database.id });
      await db.source.query(`DELETE FROM "application_mounts" WHERE "id" = $1`, [volume.id]);
      expect(await schedules.findByIdAcrossTeams(ofDatabase.id)).toBeNull();
      expect(await schedules.findByIdAcrossTeams(ofVolume.id)).toBeNull();
      await schedules.deleteOwned(instanceScope(), ofInstance.id);
    });

    it('are due once their slot comes, and only one scheduler advances a slot', async () => {
      const destination = await seedBackupDestination(db.source, ours);
      const database = await seedDatabase(db.source, ours, named());
      const slot = new Date('2030-01-01T03:00:00.000Z');
      const due = await seedBackupSchedule(
        db.source,
        { teamId: ours.teamId, destinationId: destination.id, databaseId: database.id },
        { nextRunAt: slot },
      );
      const disabled = await seedBackupSchedule(
        db.source,
        { teamId: ours.teamId, destinationId: destination.id, databaseId: database.id },
        { nextRunAt: slot, enabled: false },
      );
      const later = await seedBackupSchedule(
        db.source,
        { teamId: ours.teamId, destinationId: destination.id, databaseId: database.id },
        { nextRunAt: new Date('2030-01-02T03:00:00.000Z') },
      );
      const dueIds = (await schedules.due(new Date('2030-01-01T03:00:00.500Z'), 1000)).map((s) => s.id);
      expect(dueIds).toContain(due.id);
      expect(dueIds).not.toContain(disabled.id);
      expect(dueIds).not.toContain(later.id);

      const next = new Date('2030-01-02T03:00:00.000Z');
      const [first, second] = await Promise.all([schedules.advance(due.id, slot, next), schedules.advance(due.id, slot, next)]);
      expect([first, second].sort()).toEqual([false, true]);
      expect(await schedules.findByIdAcrossTeams(due.id)).toMatchObject({ lastRunAt: slot, nextRunAt: next });
    });
  });

  describe('backups', () => {
    it('queue one per schedule at a time, list newest first without logs, and stay when their source goes', async () => {
      const destination = await seedBackupDestination(db.source, ours);
      const database = await seedDatabase(db.source, ours, named());
      const schedule = await seedBackupSchedule(db.source, { teamId: ours.teamId, destinationId: destination.id, databaseId: database.id });
      const queued = {
        sourceKind: 'database' as const,
        databaseId: database.id,
        volumeId: null,
        serverId: ours.serverId,
        destinationId: destination.id,
        trigger: 'schedule' as const,
        scheduleId: schedule.id,
        ...by,
      };
      const first = await backups.addQueued(ours.scope, queued);
      expect(first).toMatchObject({
        status: 'queued',
        teamId: ours.teamId,
        verification: 'none',
        log: '',
        verifyAfterBackup: true,
        timeoutMinutes: 60,
      });
      expect(await backups.addQueued(ours.scope, queued)).toBeNull();
      expect(await backups.activeOfSchedule(schedule.id)).toMatchObject({ id: first!.id });
      // "Back up now" is not the schedule's: it queues beside it.
      const manual = await backups.addQueued(ours.scope, { ...queued, trigger: 'manual', scheduleId: null });
      expect(manual).not.toBeNull();

      await db.source.query(`UPDATE "backups" SET "status" = 'failed', "log" = 'it failed' WHERE "id" = $1`, [first!.id]);
      const second = await backups.addQueued(ours.scope, queued);
      expect(second).not.toBeNull();

      const [page, total] = await backups.pageOf(ours.scope, { skip: 0, take: 10 }, { databaseId: database.id });
      expect(page.map((b) => b.id)).toEqual([second!.id, manual!.id, first!.id]);
      expect(total).toBe(3);
      expect(page[2]).not.toHaveProperty('log');
      expect((await backups.pageOf(ours.scope, { skip: 0, take: 10 }, { databaseId: database.id, status: 'failed' }))[0].map((b) => b.id)).toEqual([
        first!.id,
      ]);
      expect((await backups.find(ours.scope, first!.id))?.log).toBe('it failed');
      expect(await backups.find(theirs.scope, first!.id)).toBeNull();
      expect(await backups.pageOf(theirs.scope, { skip: 0, take: 10 }, { databaseId: database.id })).toEqual([[], 0]);

      await db.source.getRepository(DatabaseEntity).delete({ id: database.id });
      expect(await backups.find(ours.scope, first!.id)).toMatchObject({ databaseId: null, scheduleId: null, sourceKind: 'database' });
    });

    it('are succeeded only with a size, checksum and location, and count in their destination while held', async () => {
      const destination = await seedBackupDestination(db.source, ours);
      const of = { teamId: ours.teamId, destinationId: destination.id };
      await expect(seedBackup(db.source, of, { status: 'succeeded' })).rejects.toThrow(/check/);
      await expect(seedBackup(db.source, of, { status: 'succeeded', sizeBytes: '10', sha256: 'A'.repeat(64), location: 'k' })).rejects.toThrow(
        /check/,
      );
      const stored = { status: 'succeeded' as const, sizeBytes: '5000000000', sha256: 'a'.repeat(64), location: 'zp/x.zst.enc' };
      const succeeded = await seedBackup(db.source, of, stored);
      expect(succeeded.sizeBytes).toBe('5000000000');
      await seedBackup(db.source, { teamId: null, destinationId: destination.id }, stored);
      await seedBackup(db.source, of, { ...stored, status: 'pruned' });
      await seedBackup(db.source, of, { status: 'failed' });
      await seedBackup(db.source, of);

      // The instance's backups go to a destination of the first team: they count there too.
      expect(await backups.storedPerDestination(ours.scope, [destination.id])).toEqual(new Map([[destination.id, 2]]));
      expect(await backups.storedPerDestination(theirs.scope, [destination.id])).toEqual(new Map());
      expect(await backups.countHeldIn(destination.id)).toBe(3);
      expect(await backups.teamOf(succeeded.id)).toBe(ours.teamId);

      // The destination can go (the API refuses while it holds any); the history stays without it.
      await db.source.query(`DELETE FROM "backups" WHERE "destination_id" = $1 AND "status" IN ('succeeded', 'queued')`, [destination.id]);
      await destinations.deleteOne(ours.scope, destination.id);
      const [rest] = await backups.pageOf(ours.scope, { skip: 0, take: 100 }, { status: 'pruned' });
      expect(rest.some((b) => b.destinationId === null && b.location === 'zp/x.zst.enc')).toBe(true);
    });
  });

  describe('restores', () => {
    it('run one at a time into a database; verifications are not limited', async () => {
      const destination = await seedBackupDestination(db.source, ours);
      const database = await seedDatabase(db.source, ours, named());
      const backup = await seedBackup(db.source, { teamId: ours.teamId, destinationId: destination.id, databaseId: database.id });
      const restore = { backupId: backup.id, sourceKind: 'database' as const, volumeId: null, serverId: ours.serverId, ...by };

      const same = await restores.addQueued(ours.scope, { ...restore, target: 'same', databaseId: database.id });
      expect(same).toMatchObject({ status: 'queued', target: 'same', result: null, log: '' });
      expect(await restores.addQueued(ours.scope, { ...restore, target: 'same', databaseId: database.id })).toBeNull();
      const verify = [
        await restores.addQueued(ours.scope, { ...restore, target: 'verify', databaseId: null }),
        await restores.addQueued(ours.scope, { ...restore, target: 'verify', databaseId: null }),
      ];
      expect(verify.every((r) => r !== null)).toBe(true);

      const [page] = await restores.pageOf(ours.scope, { skip: 0, take: 10 }, { backupId: backup.id });
      expect(page.map((r) => r.id)).toEqual([verify[1]!.id, verify[0]!.id, same!.id]);
      expect(page[0]).not.toHaveProperty('log');
      expect(await restores.find(theirs.scope, same!.id)).toBeNull();
      expect(await restores.pageOf(theirs.scope, { skip: 0, take: 10 }, { backupId: backup.id })).toEqual([[], 0]);

      await db.source.query(`DELETE FROM "backups" WHERE "id" = $1`, [backup.id]);
      expect(await restores.find(ours.scope, same!.id)).toMatchObject({ backupId: null, databaseId: database.id });
    });
  });
});
