import { useMigratedDatabase } from '../testing';
import { CreateDatabases1796632312148 } from './1796632312148-create-databases';

describe(CreateDatabases1796632312148.name, () => {
  const db = useMigratedDatabase('create-databases-migration');

  const tableExists = async () =>
    ((await db.source.query(`SELECT to_regclass('public.databases') IS NOT NULL AS "exists"`)) as { exists: boolean }[])[0].exists;

  it('goes down without a trace and up again', async () => {
    const runner = db.source.createQueryRunner();
    try {
      expect(await tableExists()).toBe(true);
      await new CreateDatabases1796632312148().down(runner);
      expect(await tableExists()).toBe(false);
      await new CreateDatabases1796632312148().up(runner);
      expect(await tableExists()).toBe(true);
    } finally {
      await runner.release();
    }
  });
});
