import type {
  ConfirmTwoFactorRequest,
  DisableTwoFactorRequest,
  RecoveryCodesResponse,
  RegenerateRecoveryCodesRequest,
  TwoFactorEnrollmentResponse,
} from '@zpanel/contracts';
import { apiRequest } from '../../lib/api-client';

const BASE = '/api/v1/me/two-factor';

/** A new TOTP secret, sealed on the server until a code confirms it; shown only in this answer. */
export function startEnrollment(): Promise<TwoFactorEnrollmentResponse> {
  return apiRequest<TwoFactorEnrollmentResponse>(`${BASE}/enrollment`, { method: 'POST' });
}

/** Turns 2FA on; the answer holds the recovery codes, which no endpoint returns again. */
export function confirmTwoFactor(body: ConfirmTwoFactorRequest): Promise<RecoveryCodesResponse> {
  return apiRequest<RecoveryCodesResponse>(`${BASE}/confirmation`, { method: 'POST', body });
}

export function disableTwoFactor(body: DisableTwoFactorRequest): Promise<void> {
  return apiRequest<void>(`${BASE}/disable`, { method: 'POST', body });
}

/** New recovery codes; the old ones stop working. */
export function regenerateRecoveryCodes(body: RegenerateRecoveryCodesRequest): Promise<RecoveryCodesResponse> {
  return apiRequest<RecoveryCodesResponse>(`${BASE}/recovery-codes`, { method: 'POST', body });
}
