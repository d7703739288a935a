import { Skeleton } from '../../../components/skeleton';
import { whyCannotWrite } from '../../../shared/applications/labels';
import { BackupsPanel } from '../../../shared/backups/components/backups-panel';
import { useCurrentTeam } from '../../../shared/teams/use-current-team';

/**
 * Backups of Zpanel's own PostgreSQL, to a destination of the current team: its schedules and history
 * (restoring one is done on a fresh install, README "Restoring Zpanel").
 */
export function InstanceBackups() {
  const { current } = useCurrentTeam();
  if (!current) return <Skeleton lines={3} />;
  return <BackupsPanel teamId={current.teamId} source={{ kind: 'instance' }} refusal={whyCannotWrite(current.role)} />;
}
