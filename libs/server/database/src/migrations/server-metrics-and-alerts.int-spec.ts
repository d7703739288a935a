import { DEFAULT_ALERT_RULES } from '../entities';
import { useMigratedDatabase } from '../testing';
import { CreateServerMetricsAndAlerts1795400700000 } from './1795400700000-create-server-metrics-and-alerts';

describe(CreateServerMetricsAndAlerts1795400700000.name, () => {
  const db = useMigratedDatabase('metrics-migration');

  it('gives servers that existed before it the same default alert rules new servers get', async () => {
    const migration = new CreateServerMetricsAndAlerts1795400700000();
    const runner = db.source.createQueryRunner();
    try {
      await migration.down(runner);
      const [{ id: teamId }] = await runner.query(`INSERT INTO teams (name) VALUES ('old') RETURNING id`);
      const [{ id: keyId }] = await runner.query(
        `INSERT INTO ssh_keys (team_id, name, type, private_key, public_key, fingerprint) VALUES ($1, 'k', 't', 'p', 'p', 'f') RETURNING id`,
        [teamId],
      );
      const [{ id: serverId }] = await runner.query(
        `INSERT INTO servers (team_id, name, host, port, "user", ssh_key_id) VALUES ($1, 'old-1', '192.0.2.1', 22, 'root', $2) RETURNING id`,
        [teamId, keyId],
      );
      await migration.up(runner);

      const rules = await runner.query(
        `SELECT team_id, metric, operator, threshold, duration_seconds, enabled FROM alert_rules WHERE server_id = $1 ORDER BY metric`,
        [serverId],
      );
      const expected = DEFAULT_ALERT_RULES.map((r) => ({
        team_id: teamId,
        metric: r.metric,
        operator: r.operator,
        threshold: r.threshold,
        duration_seconds: r.durationSeconds,
        enabled: true,
      }));
      expect(rules).toEqual(expected.sort((a, b) => a.metric.localeCompare(b.metric)));
      const [server] = await runner.query(
        `SELECT check_interval_seconds, last_checked_at, next_check_at, consecutive_failures FROM servers WHERE id = $1`,
        [serverId],
      );
      expect(server).toEqual({ check_interval_seconds: null, last_checked_at: null, next_check_at: null, consecutive_failures: 0 });
    } finally {
      await runner.release();
    }
  });

  it('allows one open alert per rule, and any number of resolved ones', async () => {
    const [rule] = await db.source.query(`SELECT id, team_id, server_id FROM alert_rules LIMIT 1`);
    const insert = (resolved: boolean) =>
      db.source.query(
        `INSERT INTO alert_events (team_id, server_id, rule_id, metric, operator, threshold, message, resolved_at) VALUES ($1, $2, $3, 'disk', '>', 80, 'm', ${resolved ? 'now()' : 'NULL'})`,
        [rule.team_id, rule.server_id, rule.id],
      );
    await insert(true);
    await insert(true);
    await insert(false);
    await expect(insert(false)).rejects.toThrow(/alert_events_one_open_per_rule/);
  });
});
