import { seedBackupDestination, seedBackupSchedule, seedTeamWithServer, useMigratedDatabase } from '../testing';
import { BackupMissedAlerts1796660000000 } from './1796660000000-backup-missed-alerts';

describe(BackupMissedAlerts1796660000000.name, () => {
  const db = useMigratedDatabase('backup-missed-alerts-migration');

  it('holds each kind of alert to its own fields, one open backup_missed alert per schedule, gone with its schedule; down and up again', async () => {
    const team = await seedTeamWithServer(db.source, { team: 'alerts' });
    const destination = await seedBackupDestination(db.source, team, { name: 'd' });
    const schedule = await seedBackupSchedule(db.source, { teamId: null, destinationId: destination.id });
    const [rule] = await db.source.query(
      `INSERT INTO alert_rules (team_id, server_id, metric, operator, threshold, duration_seconds) VALUES ($1, $2, 'disk', '>', 80, 0) RETURNING id`,
      [team.teamId, team.serverId],
    );
    const missed = (resolved: boolean) =>
      db.source.query(
        `INSERT INTO alert_events (team_id, kind, schedule_id, message, resolved_at) VALUES ($1, 'backup_missed', $2, 'm', ${resolved ? 'now()' : 'NULL'})`,
        [team.teamId, schedule.id],
      );
    await missed(true);
    await missed(false);
    await expect(missed(false)).rejects.toThrow(/alert_events_one_open_per_schedule/);
    // A metric alert keeps its server, rule and condition; a backup_missed one names none of them.
    await expect(
      db.source.query(`INSERT INTO alert_events (team_id, kind, server_id, rule_id, message) VALUES ($1, 'metric', $2, $3, 'm')`, [
        team.teamId,
        team.serverId,
        rule.id,
      ]),
    ).rejects.toThrow(/alert_events_kind_fields/);
    await expect(
      db.source.query(`INSERT INTO alert_events (team_id, kind, schedule_id, server_id, message) VALUES ($1, 'backup_missed', $2, $3, 'm')`, [
        team.teamId,
        schedule.id,
        team.serverId,
      ]),
    ).rejects.toThrow(/alert_events_kind_fields/);
    await expect(db.source.query(`INSERT INTO alert_events (team_id, kind, message) VALUES ($1, 'paging', 'm')`, [team.teamId])).rejects.toThrow(
      /alert_events_kind_fields/,
    );
    await db.source.query(
      `INSERT INTO alert_events (team_id, server_id, rule_id, metric, operator, threshold, message) VALUES ($1, $2, $3, 'disk', '>', 80, 'kept')`,
      [team.teamId, team.serverId, rule.id],
    );

    const runner = db.source.createQueryRunner();
    try {
      await new BackupMissedAlerts1796660000000().down(runner);
      expect(await db.source.query(`SELECT message FROM alert_events`)).toEqual([{ message: 'kept' }]);
      await new BackupMissedAlerts1796660000000().up(runner);
      expect(await db.source.query(`SELECT kind, message FROM alert_events`)).toEqual([{ kind: 'metric', message: 'kept' }]);
    } finally {
      await runner.release();
    }
    await missed(false);
    await db.source.query(`DELETE FROM backup_schedules WHERE id = $1`, [schedule.id]);
    expect(await db.source.query(`SELECT kind FROM alert_events`)).toEqual([{ kind: 'metric' }]);
  });
});
