import { useQueryClient } from '@tanstack/react-query';
import type { TeamMembershipDto } from '@zpanel/contracts';
import { useNavigate } from 'react-router';
import { useSessionStore } from '../../../lib/session-store';
import { useSwitchTeam } from '../../../shared/teams/use-current-team';
import { forgetTeam, useLeaveTeam } from '../mutations';
import { ConfirmDialog } from '../../../components/confirm-dialog';

interface LeaveTeamDialogProps {
  team: TeamMembershipDto;
  ownUserId: string;
  /** Called first once the API has let you go, so the page stops showing the team at once. */
  onLeft: () => void;
  onClose: () => void;
}

/** Leaving needs no role; the last owner is refused by the API, whose reason the dialog shows. */
export function LeaveTeamDialog({ team, ownUserId, onLeft, onClose }: LeaveTeamDialogProps) {
  const leave = useLeaveTeam(team.teamId);
  const queryClient = useQueryClient();
  const switchTeam = useSwitchTeam();
  const navigate = useNavigate();

  const leaveTeam = () =>
    leave.mutate(ownUserId, {
      onSuccess: () => {
        // The router navigates in a transition, after the cache changes below have re-rendered
        // the page: without `onLeft` it would load the next team's members on its way out.
        onLeft();
        void navigate('/');
        const next = forgetTeam(queryClient, team.teamId);
        if (next) switchTeam(next.teamId);
        else useSessionStore.getState().selectTeam(undefined);
      },
    });

  return (
    <ConfirmDialog
      title={`Leave ${team.teamName}?`}
      description={`You lose access to ${team.teamName} at once. To come back, someone must invite you again.`}
      confirmLabel="Leave team"
      pendingLabel="Leaving…"
      submission={leave}
      onConfirm={leaveTeam}
      onClose={onClose}
    />
  );
}
