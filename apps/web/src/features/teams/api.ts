import type { CreateTeamRequest, TeamMembershipDto } from '@zpanel/contracts';
import { apiRequest } from '../../lib/api-client';

/** Creates a team with the caller as its owner. */
export function createTeam(body: CreateTeamRequest): Promise<TeamMembershipDto> {
  return apiRequest<TeamMembershipDto>('/api/v1/teams', { method: 'POST', body });
}
