import { seedApplication, seedTeamWithServer, useMigratedDatabase } from '../testing';
import { DatabaseReferences1796635883952 } from './1796635883952-database-references';

describe(DatabaseReferences1796635883952.name, () => {
  const db = useMigratedDatabase('database-references-migration');

  const columns = async () =>
    (
      (await db.source.query(
        `SELECT table_name || '.' || column_name AS "column" FROM information_schema.columns
         WHERE column_name IN ('database_references', 'redeploy_reason', 'redeploy_requested_at') ORDER BY 1`,
      )) as { column: string }[]
    ).map((r) => r.column);

  it('keeps a redeploy reason and its time together', async () => {
    const team = await seedTeamWithServer(db.source, { team: 'redeploy' });
    const app = await seedApplication(db.source, team);
    const set = (sql: string) => db.source.query(`UPDATE "applications" SET ${sql} WHERE "id" = $1`, [app.id]);
    await expect(set(`"redeploy_reason" = 'rotated'`)).rejects.toThrow(/applications_redeploy_check/);
    await expect(set(`"redeploy_requested_at" = now()`)).rejects.toThrow(/applications_redeploy_check/);
    await set(`"redeploy_reason" = 'rotated', "redeploy_requested_at" = now()`);
  });

  it('goes down without a trace and up again', async () => {
    const all = ['applications.redeploy_reason', 'applications.redeploy_requested_at', 'env_vars.database_references'];
    const runner = db.source.createQueryRunner();
    try {
      expect(await columns()).toEqual(all);
      await new DatabaseReferences1796635883952().down(runner);
      expect(await columns()).toEqual([]);
      await new DatabaseReferences1796635883952().up(runner);
      expect(await columns()).toEqual(all);
    } finally {
      await runner.release();
    }
  });
});
