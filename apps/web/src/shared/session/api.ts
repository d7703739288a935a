import type { ChangePasswordRequest, CreateOwnerRequest, LoginRequest, MeResponse, SessionResponse, SetupStatusResponse } from '@zpanel/contracts';
import { apiRequest } from '../../lib/api-client';

export function fetchSetupStatus(signal?: AbortSignal): Promise<SetupStatusResponse> {
  return apiRequest<SetupStatusResponse>('/api/v1/setup', { signal, anonymous: true });
}

/** Accepted once, while the instance has no user; signs the new owner in (refresh cookie set). */
export function createOwner(body: CreateOwnerRequest): Promise<SessionResponse> {
  return apiRequest<SessionResponse>('/api/v1/setup/owner', { method: 'POST', body, anonymous: true });
}

export function login(body: LoginRequest): Promise<SessionResponse> {
  return apiRequest<SessionResponse>('/api/v1/auth/login', { method: 'POST', body, anonymous: true });
}

/** Revokes the session of the refresh cookie and clears the cookie. */
export function logout(): Promise<void> {
  return apiRequest<void>('/api/v1/auth/logout', { method: 'POST', anonymous: true });
}

export function fetchMe(signal?: AbortSignal): Promise<MeResponse> {
  return apiRequest<MeResponse>('/api/v1/me', { signal });
}

/** Signs out every other session of the user; this one stays. */
export function changePassword(body: ChangePasswordRequest): Promise<void> {
  return apiRequest<void>('/api/v1/me/password', { method: 'POST', body });
}
