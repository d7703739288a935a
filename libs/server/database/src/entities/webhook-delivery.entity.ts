import type { WebhookOutcome, WebhookProvider } from '@zpanel/contracts';
import { Column, Entity } from 'typeorm';
import { IdentifiedEntity } from './columns';

/** One provider delivery as seen by one application (or by none: application null), kept for "why didn't it deploy?". */
@Entity({ name: 'webhook_deliveries' })
export class WebhookDeliveryEntity extends IdentifiedEntity {
  @Column('uuid', { name: 'team_id', nullable: true })
  teamId: string | null;

  @Column('uuid', { name: 'application_id', nullable: true })
  applicationId: string | null;

  @Column('text')
  provider: WebhookProvider;

  @Column('text', { name: 'delivery_id' })
  deliveryId: string;

  @Column('text')
  event: string;

  @Column('text')
  outcome: WebhookOutcome;

  @Column('text')
  reason: string;

  @Column('uuid', { name: 'deployment_id', nullable: true })
  deploymentId: string | null;

  /** Only the headers of interest (event, delivery id, user agent), never the signature. */
  @Column('jsonb')
  headers: Record<string, string>;

  /** The start of the raw body (truncated). */
  @Column('text')
  body: string;

  /** SHA-256 (hex) of the raw body of a verified delivery the application handled: a replay of the same bytes under another delivery id is ignored. Null on other rows. */
  @Column('text', { name: 'body_sha256', nullable: true })
  bodySha256: string | null;

  @Column('timestamptz', { name: 'received_at' })
  receivedAt: Date;
}

/** The application's webhook secret is sealed bound to the application id. */
export function webhookSecretAad(applicationId: string): string {
  return `application-webhook:${applicationId}`;
}
