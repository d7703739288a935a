import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Replays: the same signed body sent again under a new (unsigned) delivery id deployed again. The
 * SHA-256 of the raw body is kept on each verified delivery, unique per application, so a second
 * delivery of the same bytes cannot claim it (under concurrency too).
 */
export class WebhookReplay1796617123733 implements MigrationInterface {
  name = 'WebhookReplay1796617123733';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" ADD COLUMN "body_sha256" text CHECK ("body_sha256" ~ '^[0-9a-f]{64}$')`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "webhook_deliveries_body" ON "webhook_deliveries" ("application_id", "body_sha256") WHERE "body_sha256" IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "webhook_deliveries_body"`);
    await queryRunner.query(`ALTER TABLE "webhook_deliveries" DROP COLUMN "body_sha256"`);
  }
}
