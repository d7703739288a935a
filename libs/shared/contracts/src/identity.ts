/** Team roles, weakest first. */
export enum Role {
  Viewer = 'viewer',
  Member = 'member',
  Admin = 'admin',
  Owner = 'owner',
}

export const ROLE_RANK: { readonly [R in Role]: number } = {
  [Role.Viewer]: 0,
  [Role.Member]: 1,
  [Role.Admin]: 2,
  [Role.Owner]: 3,
};

/** What an API token may do; a person's abilities follow from their role. */
export enum Ability {
  Read = 'read',
  ReadSensitive = 'read:sensitive',
  Write = 'write',
  Deploy = 'deploy',
  Admin = 'admin',
}

/** The abilities each role grants; a token can never hold more than its creator's role. */
export const ROLE_ABILITIES: { readonly [R in Role]: readonly Ability[] } = {
  [Role.Viewer]: [Ability.Read],
  [Role.Member]: [Ability.Read, Ability.ReadSensitive, Ability.Write, Ability.Deploy],
  [Role.Admin]: [Ability.Read, Ability.ReadSensitive, Ability.Write, Ability.Deploy, Ability.Admin],
  [Role.Owner]: [Ability.Read, Ability.ReadSensitive, Ability.Write, Ability.Deploy, Ability.Admin],
};

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const REFRESH_TOKEN_TTL_SECONDS = 7 * 24 * 60 * 60;
/** httpOnly cookie carrying the SPA's refresh token; scoped to the auth routes. */
export const REFRESH_COOKIE = 'zp_refresh';
export const REFRESH_COOKIE_PATH = '/api/v1/auth';
/** Header naming the team a request acts in, for team-scoped lists and creations. */
export const TEAM_HEADER = 'x-zpanel-team';

export interface UserDto {
  id: string;
  email: string;
  name: string;
  twoFactorEnabled: boolean;
  createdAt: string;
}

export interface TeamMembershipDto {
  teamId: string;
  teamName: string;
  role: Role;
  joinedAt: string;
}

export interface MeResponse {
  user: UserDto;
  teams: TeamMembershipDto[];
}

/** `GET /api/v1/setup`: whether the instance still needs its first (owner) account. */
export interface SetupStatusResponse {
  needsOwner: boolean;
}

/** `POST /api/v1/setup/owner`: accepted exactly once, while no user exists. */
export interface CreateOwnerRequest {
  email: string;
  name: string;
  password: string;
  teamName: string;
}

/**
 * `POST /api/v1/auth/login`. With 2FA enabled and no code given, the answer is 401 with code
 * `two_factor_required`; the client asks for a code and sends the same request with it.
 */
export interface LoginRequest {
  email: string;
  password: string;
  totpCode?: string;
  recoveryCode?: string;
  /** `cookie` (default, for the SPA): refresh token in an httpOnly cookie; `body`: in the response, for API clients. */
  tokenDelivery?: 'cookie' | 'body';
}

/** `POST /api/v1/auth/refresh`: refresh token from the cookie, or from the body for API clients. */
export interface RefreshRequest {
  refreshToken?: string;
}

export interface SessionResponse {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshTokenExpiresAt: string;
  /** Present only when the client asked for `tokenDelivery: 'body'` (or refreshed with a body token). */
  refreshToken?: string;
  user: UserDto;
}

/** `POST /api/v1/me/password`: revokes every other session of the user. */
export interface ChangePasswordRequest {
  currentPassword: string;
  newPassword: string;
}

export interface CreateTeamRequest {
  name: string;
}

export interface ApiTokenDto {
  id: string;
  teamId: string;
  name: string;
  abilities: Ability[];
  /** First characters of the token, to tell tokens apart; the rest is never shown again. */
  tokenPrefix: string;
  createdBy: { id: string; name: string } | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

/** `POST /api/v1/teams/{teamId}/api-tokens`; abilities cannot exceed the creator's role. */
export interface CreateApiTokenRequest {
  name: string;
  abilities: Ability[];
  /** ISO date-time in the future; omitted means no expiry. */
  expiresAt?: string;
}

/** The secret `zp_…` token is in this response only. */
export interface CreatedApiTokenResponse extends ApiTokenDto {
  token: string;
}

/**
 * `POST /api/v1/auth/password-reset`: always 202 with PasswordResetRequestedResponse, whether or not
 * an account has the address (no account enumeration); the link goes by email when the instance
 * has SMTP settings and a public URL.
 */
export interface PasswordResetRequest {
  email: string;
}

export interface PasswordResetRequestedResponse {
  message: string;
}

/** `POST /api/v1/auth/password-reset/confirm`: the token from the emailed link, and the new password. */
export interface PasswordResetConfirmRequest {
  token: string;
  password: string;
}

/** Path of the SPA page a reset link opens; the token follows in the fragment (`#token=zpp_…`), never sent to a server in a request line. */
export const PASSWORD_RESET_PATH = '/reset-password';
