import type { DataSource } from 'typeorm';

/** Arbitrary constant shared by every Zpanel process: the advisory lock that serialises migrations. */
export const MIGRATION_LOCK_KEY = 7_301_526_417;

/**
 * Applies pending migrations while holding a Postgres advisory lock, so two API instances (or
 * `npm start` racing a container) cannot both run the same migration. The second waits, then
 * finds nothing pending. Returns the names it applied.
 */
export async function runMigrationsWithLock(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
