/** How many single-use recovery codes confirmation and regeneration hand out. */
export const RECOVERY_CODE_COUNT = 10;

/**
 * `POST /api/v1/me/two-factor/enrollment`: starts (or restarts) enrollment. The secret is shown
 * only here; once 2FA is confirmed no endpoint returns it again.
 */
export interface TwoFactorEnrollmentResponse {
  /** Base32 TOTP secret, for typing into an authenticator app. */
  secret: string;
  /** `otpauth://totp/…` URI, for the QR code. */
  otpauthUri: string;
}

/** `POST /api/v1/me/two-factor/confirmation`: the first code from the app turns 2FA on. */
export interface ConfirmTwoFactorRequest {
  code: string;
}

/** Recovery codes, shown once: only their hashes are stored. Each works for one login. */
export interface RecoveryCodesResponse {
  recoveryCodes: string[];
}

/** `POST /api/v1/me/two-factor/disable`: needs the password and a current code (TOTP or recovery code). */
export interface DisableTwoFactorRequest {
  password: string;
  code: string;
}

/** `POST /api/v1/me/two-factor/recovery-codes`: new codes replace the old ones. `code`: TOTP or recovery code. */
export interface RegenerateRecoveryCodesRequest {
  code: string;
}
