import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  WEBHOOK_OUTCOMES,
  WEBHOOK_PROVIDERS,
  type WebhookDeliveryDto,
  type WebhookOutcome,
  type WebhookProvider,
  type WebhookReceiptDto,
  type WebhookSecretDto,
  type WebhookSettingsDto,
} from '@zpanel/contracts';

const URLS_EXAMPLE = Object.fromEntries(WEBHOOK_PROVIDERS.map((p) => [p, `https://zpanel.example.com/webhooks/${p}`]));

export class WebhookSettingsDoc implements WebhookSettingsDto {
  @ApiProperty({ format: 'uuid' }) applicationId: string;
  @ApiProperty({ example: URLS_EXAMPLE, description: 'The payload URL to paste into each provider, built from the address this request was sent to' })
  urls: Record<WebhookProvider, string>;
  @ApiProperty({ description: 'Whether a secret was generated (the secret itself is shown only once)' }) secretSet: boolean;
}

export class WebhookSecretDoc extends WebhookSettingsDoc implements WebhookSecretDto {
  @ApiProperty({ example: 'zpw_…', description: 'Shown once: paste it as the webhook secret (GitHub, Gitea, Bitbucket) or secret token (GitLab)' })
  webhookSecret: string;
}

export class WebhookDeliveryDoc implements WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true }) applicationId: string | null;
  @ApiProperty({ enum: WEBHOOK_PROVIDERS }) provider: WebhookProvider;
  @ApiProperty({ example: '72d3162e-cc78-11e3-81ab-4c9367dc0958' }) deliveryId: string;
  @ApiProperty({ example: 'push' }) event: string;
  @ApiProperty({
    enum: WEBHOOK_OUTCOMES,
    description: 'accepted: a deployment was queued (or a preview removed); rejected: no valid signature; ignored: see reason',
  })
  outcome: WebhookOutcome;
  @ApiProperty({ example: 'branch: pushed to feature/x, the application deploys main' }) reason: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true }) deploymentId: string | null;
  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    description: 'The application of that deployment: this one, or one of its previews; null once it no longer exists',
  })
  deploymentApplicationId: string | null;
  @ApiProperty({
    example: { 'x-github-event': 'push', 'x-hub-signature-256': '(present)' },
    description: 'Headers of interest (signatures only as present/absent)',
  })
  headers: Record<string, string>;
  @ApiProperty({ description: 'The start of the body (at most 16 KiB; empty for rejected deliveries)' }) body: string;
  @ApiProperty({ format: 'date-time' }) receivedAt: string;
}

export class WebhookDeliveryPageDoc {
  @ApiProperty({ type: [WebhookDeliveryDoc] }) items: WebhookDeliveryDoc[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() perPage: number;
}

class WebhookReceiptItemDoc {
  @ApiPropertyOptional({ format: 'uuid', nullable: true }) applicationId: string | null;
  @ApiProperty({ enum: WEBHOOK_OUTCOMES }) outcome: WebhookOutcome;
  @ApiProperty({ example: 'deployed' }) reason: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true }) deploymentId: string | null;
}

export class WebhookReceiptDoc implements WebhookReceiptDto {
  @ApiProperty({ type: [WebhookReceiptItemDoc] }) deliveries: WebhookReceiptItemDoc[];
}
