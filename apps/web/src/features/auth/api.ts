import type { PasswordResetConfirmRequest, PasswordResetRequest, PasswordResetRequestedResponse } from '@zpanel/contracts';
import { apiRequest } from '../../lib/api-client';

/** Always answered 202 with the same words, whether or not an account has the address. */
export function requestPasswordReset(body: PasswordResetRequest): Promise<PasswordResetRequestedResponse> {
  return apiRequest<PasswordResetRequestedResponse>('/api/v1/auth/password-reset', { method: 'POST', body, anonymous: true });
}

/** Sets the password with the emailed link's token; every session of the account ends. */
export function confirmPasswordReset(body: PasswordResetConfirmRequest): Promise<void> {
  return apiRequest<void>('/api/v1/auth/password-reset/confirm', { method: 'POST', body, anonymous: true });
}
