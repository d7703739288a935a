import { whyCannotDownload } from '../../../shared/backups/labels';
import { BackupsPanel } from '../../../shared/backups/components/backups-panel';
import { useDatabaseOutlet } from '../../../shared/databases/database-outlet';

/** The database's backups: schedules, history, restores (docs/backups.md). */
export function DatabaseBackupsTab() {
  const { database, teamId, role, writeRefusal } = useDatabaseOutlet();
  return (
    <BackupsPanel
      teamId={teamId}
      source={{ kind: 'database', id: database.id, name: database.name }}
      refusal={writeRefusal}
      downloadRefusal={whyCannotDownload(role)}
    />
  );
}
