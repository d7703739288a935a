import { useMigratedDatabase } from '../testing';
import { CreateDatabases1796632312148 } from './1796632312148-create-databases';
import { CreateBackups1796646609160 } from './1796646609160-create-backups';
import { BackupMissedAlerts1796660000000 } from './1796660000000-backup-missed-alerts';

describe(CreateDatabases1796632312148.name, () => {
  const db = useMigratedDatabase('create-databases-migration');

  const tableExists = async () =>
    ((await db.source.query(`SELECT to_regclass('public.databases') IS NOT NULL AS "exists"`)) as { exists: boolean }[])[0].exists;

  it('goes down without a trace and up again', async () => {
    const runner = db.source.createQueryRunner();
    try {
      expect(await tableExists()).toBe(true);
      // The backups tables (a later migration) reference databases, and alert events schedules: reverted first, as TypeORM reverts in order.
      await new BackupMissedAlerts1796660000000().down(runner);
      await new CreateBackups1796646609160().down(runner);
      await new CreateDatabases1796632312148().down(runner);
      expect(await tableExists()).toBe(false);
      await new CreateDatabases1796632312148().up(runner);
      expect(await tableExists()).toBe(true);
      await new CreateBackups1796646609160().up(runner);
      await new BackupMissedAlerts1796660000000().up(runner);
    } finally {
      await runner.release();
    }
  });
});
