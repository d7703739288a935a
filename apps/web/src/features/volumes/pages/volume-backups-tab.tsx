import { Link, useParams } from 'react-router';
import { ErrorState } from '../../../components/error-state';
import { Skeleton } from '../../../components/skeleton';
import { useApplicationOutlet } from '../../../shared/applications/application-outlet';
import { whyCannotDownload } from '../../../shared/backups/labels';
import { BackupsPanel } from '../../../shared/backups/components/backups-panel';
import { useVolumes } from '../queries';

/** One named volume's backups (a tar stream of the volume): schedules, history, restores (docs/backups.md). */
export function VolumeBackupsTab() {
  const { application, teamId, role, writeRefusal } = useApplicationOutlet();
  const { volumeId = '' } = useParams();
  const volumes = useVolumes(teamId, application.id);
  const volume = volumes.data?.find((candidate) => candidate.id === volumeId);

  return (
    <div className="applications__stack">
      <nav className="applications__breadcrumbs" aria-label="Volume">
        <Link to={`/applications/${application.id}/volumes`}>Volumes</Link>
      </nav>
      {volumes.isPending && <Skeleton lines={3} />}
      {volumes.isError && <ErrorState error={volumes.error} />}
      {volumes.isSuccess && !volume && <div className="empty-state">This volume is no longer mounted by the application.</div>}
      {volume && (
        <>
          <h2 className="applications__heading">
            Backups of {volume.name} <span className="muted">({volume.mountPath})</span>
          </h2>
          <BackupsPanel
            teamId={teamId}
            source={{ kind: 'volume', id: volume.id, name: volume.name }}
            refusal={writeRefusal}
            downloadRefusal={whyCannotDownload(role)}
          />
        </>
      )}
    </div>
  );
}
