/** Provider webhooks; how deliveries are verified is in docs/security.md "Webhooks". */

export type WebhookProvider = 'github' | 'gitlab' | 'bitbucket' | 'gitea';
export const WEBHOOK_PROVIDERS: readonly WebhookProvider[] = ['github', 'gitlab', 'bitbucket', 'gitea'];

/** accepted: a deployment was queued (or a closed pull request's preview removed); rejected: no valid signature; ignored: verified but nothing to do (see reason). */
export type WebhookOutcome = 'accepted' | 'rejected' | 'ignored';
export const WEBHOOK_OUTCOMES: readonly WebhookOutcome[] = ['accepted', 'rejected', 'ignored'];

/** Largest webhook body read (bytes); a bigger one gets 413 before any work. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;
/** How much of a delivery's body the log keeps. */
export const WEBHOOK_LOGGED_BODY = 16 * 1024;
/** Deliveries older than this are pruned, except each application's latest WEBHOOK_KEEP_LATEST. */
export const WEBHOOK_RETENTION_DAYS = 30;
export const WEBHOOK_KEEP_LATEST = 100;

/** `GET /api/v1/applications/{id}/webhook`: where to point each provider; the secret itself is never returned again. */
export interface WebhookSettingsDto {
  applicationId: string;
  urls: Record<WebhookProvider, string>;
  secretSet: boolean;
}

/** `POST /api/v1/applications/{id}/webhook-secret`: the new secret, shown this once. */
export interface WebhookSecretDto extends WebhookSettingsDto {
  webhookSecret: string;
}

/** `GET /api/v1/applications/{id}/webhook-deliveries` (newest first). */
export interface WebhookDeliveryDto {
  id: string;
  applicationId: string | null;
  provider: WebhookProvider;
  deliveryId: string;
  event: string;
  outcome: WebhookOutcome;
  reason: string;
  deploymentId: string | null;
  /** The application that deployment belongs to (this one, or one of its previews); null when it no longer exists. */
  deploymentApplicationId: string | null;
  headers: Record<string, string>;
  /** The start of the body as received (truncated to WEBHOOK_LOGGED_BODY). */
  body: string;
  receivedAt: string;
}

/** What `POST /webhooks/{provider}` answers (202, or 200 for a ping). */
export interface WebhookReceiptDto {
  deliveries: { applicationId: string | null; outcome: WebhookOutcome; reason: string; deploymentId: string | null }[];
}
