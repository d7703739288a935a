import { ErrorState } from '../../../components/error-state';
import { Skeleton } from '../../../components/skeleton';
import { BackupsPanel } from '../../../shared/backups/components/backups-panel';
import { useInstanceBackupAccess } from '../../../shared/backups/queries';
import { useCurrentTeam } from '../../../shared/teams/use-current-team';

/**
 * Backups of Zpanel's own PostgreSQL: its schedules and history, for the instance operators (owners of
 * the instance's first team), to that team's destinations. Restoring one is done on a fresh install
 * (README).
 */
export function InstanceBackups() {
  const { current } = useCurrentTeam();
  const access = useInstanceBackupAccess();

  if (access.isPending || !current) return <Skeleton lines={3} />;
  if (access.isError) return <ErrorState error={access.error} />;
  if (!access.data.allowed) {
    return (
      <div className="empty-state" data-testid="instance-backups-refused">
        {access.data.reason ?? 'Only the instance operators (owners of its first team) manage its backups.'}
      </div>
    );
  }
  // The destinations listed are the current team's: instance backups go to the first team's.
  if (access.data.teamId !== current.teamId) {
    return (
      <div className="empty-state" data-testid="instance-backups-other-team">
        Instance backups go to the destinations of {access.data.teamName ?? 'the instance’s first team'}: switch to that team to manage them.
      </div>
    );
  }
  return <BackupsPanel teamId={current.teamId} source={{ kind: 'instance' }} />;
}
