import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './data-source-options';
import { MIGRATIONS } from './migrations';
import { runMigrationsWithLock } from './migrate';
import { createScratchDatabase } from './testing';

describe(runMigrationsWithLock.name, () => {
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let url: string;

  beforeAll(async () => {
    database = await createScratchDatabase();
    url = database.url;
  });
  afterAll(() => database?.drop());

  it('applies each migration exactly once when several processes migrate a fresh database at the same moment', async () => {
    const sources = Array.from({ length: 3 }, (_, i) => new DataSource(buildDataSourceOptions(url, `race-${i}`)));
    await Promise.all(sources.map((s) => s.initialize()));
    try {
      const applied = await Promise.all(sources.map((s) => runMigrationsWithLock(s)));
      // One process did the work; the others waited on the lock and found nothing pending.
      expect(applied.map((a) => a.length).sort()).toEqual([0, 0, MIGRATIONS.length]);
      const rows = await sources[0].query('SELECT name FROM migrations');
      expect(rows).toHaveLength(MIGRATIONS.length);
      expect(await sources[0].query('SELECT count(*)::int AS n FROM instance')).toEqual([{ n: 1 }]);
    } finally {
      await Promise.all(sources.map((s) => s.destroy()));
    }
  });

  it('refuses a second instance row', async () => {
    const source = new DataSource(buildDataSourceOptions(url, 'singleton'));
    await source.initialize();
    try {
      await expect(source.query('INSERT INTO instance (id) VALUES (gen_random_uuid())')).rejects.toThrow(/duplicate key|unique/);
    } finally {
      await source.destroy();
    }
  });
});
