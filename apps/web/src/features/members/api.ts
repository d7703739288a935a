import type {
  AcceptInvitationRequest,
  ChangeMemberRoleRequest,
  CreatedInvitationResponse,
  InvitationDto,
  InvitationPreviewResponse,
  InviteMemberRequest,
  PageQuery,
  Paginated,
  RegisterWithInvitationRequest,
  SessionResponse,
  TeamMemberDto,
  TeamMembershipDto,
} from '@zpanel/contracts';
import { apiRequest } from '../../lib/api-client';

const teamPath = (teamId: string) => `/api/v1/teams/${encodeURIComponent(teamId)}`;

export function fetchMembers(teamId: string, page: PageQuery, signal?: AbortSignal): Promise<Paginated<TeamMemberDto>> {
  return apiRequest<Paginated<TeamMemberDto>>(`${teamPath(teamId)}/members`, { signal, query: { ...page } });
}

/** Admins only; only owners may grant or take away the owner role; the last owner stays (409). */
export function changeMemberRole(teamId: string, userId: string, body: ChangeMemberRoleRequest): Promise<void> {
  return apiRequest<void>(`${teamPath(teamId)}/members/${encodeURIComponent(userId)}`, { method: 'PATCH', body });
}

/** Removes someone (admins), or leaves the team when `userId` is the caller's own id. */
export function removeMember(teamId: string, userId: string): Promise<void> {
  return apiRequest<void>(`${teamPath(teamId)}/members/${encodeURIComponent(userId)}`, { method: 'DELETE' });
}

export function fetchInvitations(teamId: string, page: PageQuery, signal?: AbortSignal): Promise<Paginated<InvitationDto>> {
  return apiRequest<Paginated<InvitationDto>>(`${teamPath(teamId)}/invitations`, { signal, query: { ...page } });
}

/** The token (and so the link) is in this answer only. */
export function inviteMember(teamId: string, body: InviteMemberRequest): Promise<CreatedInvitationResponse> {
  return apiRequest<CreatedInvitationResponse>(`${teamPath(teamId)}/invitations`, { method: 'POST', body });
}

export function revokeInvitation(teamId: string, invitationId: string): Promise<void> {
  return apiRequest<void>(`${teamPath(teamId)}/invitations/${encodeURIComponent(invitationId)}`, { method: 'DELETE' });
}

/** Public: 410 `invitation_invalid` once the invitation is used, revoked or expired. */
export function fetchInvitationPreview(token: string, signal?: AbortSignal): Promise<InvitationPreviewResponse> {
  // In the body, not the query string: URLs end up in access logs and proxies' logs.
  return apiRequest<InvitationPreviewResponse>('/api/v1/invitations/preview', { method: 'POST', signal, body: { token }, anonymous: true });
}

/** Signed in as the invited email (403 for anyone else). */
export function acceptInvitation(body: AcceptInvitationRequest): Promise<TeamMembershipDto> {
  return apiRequest<TeamMembershipDto>('/api/v1/invitations/accept', { method: 'POST', body });
}

/** Creates the invited email's account, joins the team and signs in (refresh cookie set). */
export function registerWithInvitation(body: RegisterWithInvitationRequest): Promise<SessionResponse> {
  return apiRequest<SessionResponse>('/api/v1/invitations/register', { method: 'POST', body, anonymous: true });
}
