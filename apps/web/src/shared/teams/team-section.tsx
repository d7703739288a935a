import type { TeamMembershipDto } from '@zpanel/contracts';
import { ErrorState } from '../../components/error-state';
import { Skeleton } from '../../components/skeleton';
import { useCurrentTeam } from './use-current-team';

interface TeamSectionProps {
  /** Next to `panel`. */
  className: string;
  label: string;
  /** Said to someone in no team yet. */
  noTeam: string;
  children: (team: TeamMembershipDto) => React.ReactNode;
}

/** A panel of what belongs to the current team, once it is known; someone in no team is told so. */
export function TeamSection({ className, label, noTeam, children }: TeamSectionProps) {
  const { me, current } = useCurrentTeam();
  return (
    <section className={`panel ${className}`} aria-label={label}>
      {me.isPending && <Skeleton lines={3} />}
      {me.isError && <ErrorState error={me.error} />}
      {me.isSuccess && !current && <div className="empty-state">{noTeam}</div>}
      {current && children(current)}
    </section>
  );
}
