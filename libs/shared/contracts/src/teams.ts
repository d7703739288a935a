import type { Role } from './identity';

export const INVITATION_TTL_HOURS = 72;

export interface TeamMemberDto {
  userId: string;
  name: string;
  email: string;
  role: Role;
  /** Who still has no second factor: sent to owners and admins only (absent for others). */
  twoFactorEnabled?: boolean;
  joinedAt: string;
}

/** `POST /api/v1/teams/{teamId}/members/{userId}/password-reset` (owners): shown once, hand it over in person. */
export interface PasswordResetResponse {
  temporaryPassword: string;
}

export interface ChangeMemberRoleRequest {
  role: Role;
}

export type InvitationStatus = 'pending' | 'accepted' | 'revoked' | 'expired';

export interface InvitationDto {
  id: string;
  teamId: string;
  email: string;
  role: Role;
  status: InvitationStatus;
  invitedBy: { id: string; name: string } | null;
  expiresAt: string;
  createdAt: string;
}

/** `POST /api/v1/teams/{teamId}/invitations`: the token is shown this once (send it, or copy the link). */
export interface CreatedInvitationResponse extends InvitationDto {
  token: string;
  /** Path of the SPA page that accepts it, e.g. `/invitations/accept?token=zpi_…`. */
  acceptPath: string;
  /** Whether the link was queued by email to the invited address (the instance has SMTP settings and a public URL). */
  emailed: boolean;
}

export interface InviteMemberRequest {
  email: string;
  role: Role;
}

/** `POST /api/v1/invitations/preview` `{ token }` (public): what the invitee is about to accept. */
export interface InvitationPreviewResponse {
  teamName: string;
  email: string;
  role: Role;
  expiresAt: string;
  /** Whether an account with the invited email exists (sign in and accept) or not (register). */
  accountExists: boolean;
}

/** `POST /api/v1/invitations/accept`, signed in as the invited email. */
export interface AcceptInvitationRequest {
  token: string;
}

/** `POST /api/v1/invitations/register`: creates the invited email's account, accepts, signs in. */
export interface RegisterWithInvitationRequest {
  token: string;
  name: string;
  password: string;
}
