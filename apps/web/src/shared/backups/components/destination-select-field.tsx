import type { BackupDestinationDto } from '@zpanel/contracts';
import { Link } from 'react-router';
import { SelectField } from '../../../components/select-field';

type DestinationSelectFieldProps = Omit<React.ComponentProps<typeof SelectField>, 'label' | 'children'> & {
  destinations: readonly BackupDestinationDto[];
};

/** "Destination", one of the team's, by name and kind; nothing is chosen until the user picks. */
export function DestinationSelectField({ destinations, ...select }: DestinationSelectFieldProps) {
  return (
    <SelectField label="Destination" required {...select}>
      <option value="">Choose a destination…</option>
      {destinations.map((destination) => (
        <option key={destination.id} value={destination.id}>
          {destination.name} ({destination.kind === 's3' ? 'S3' : 'server directory'})
        </option>
      ))}
    </SelectField>
  );
}

/** Why a form that needs a destination cannot be shown yet, and where to add one. */
export function NoDestinations() {
  return (
    <div className="empty-state" data-testid="no-destinations">
      The team has no backup destination yet. <Link to="/team/backup-destinations">Add one</Link> (an S3 bucket or a directory on a server) first.
    </div>
  );
}
