import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Provider webhooks: a sealed secret and watch paths per application, and the delivery log. */
export class CreateWebhooks1795401000000 implements MigrationInterface {
  name = 'CreateWebhooks1795401000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Sealed with the secret box, bound to the application id: a sealed value pasted onto another
    // application does not open. Null until the user generates one (no delivery can match before).
    await queryRunner.query(`ALTER TABLE "applications" ADD COLUMN "webhook_secret" text`);
    await queryRunner.query(
      `ALTER TABLE "applications" ADD COLUMN "watch_paths" text[] NOT NULL DEFAULT '{}' CHECK (cardinality("watch_paths") <= 50)`,
    );
    await queryRunner.query(`
      CREATE TABLE "webhook_deliveries" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "team_id" uuid REFERENCES "teams" ("id") ON DELETE CASCADE,
        "application_id" uuid REFERENCES "applications" ("id") ON DELETE CASCADE,
        "provider" text NOT NULL CHECK ("provider" IN ('github', 'gitlab', 'bitbucket', 'gitea')),
        "delivery_id" text NOT NULL CHECK (length("delivery_id") <= 200),
        "event" text NOT NULL CHECK (length("event") <= 100),
        "outcome" text NOT NULL CHECK ("outcome" IN ('accepted', 'rejected', 'ignored')),
        "reason" text NOT NULL CHECK (length("reason") <= 1000),
        "deployment_id" uuid REFERENCES "deployments" ("id") ON DELETE SET NULL,
        "headers" jsonb NOT NULL DEFAULT '{}',
        "body" text NOT NULL DEFAULT '',
        "received_at" timestamptz NOT NULL DEFAULT now()
      )`);
    // A redelivery of the same delivery to the same application finds the first outcome. NULLS NOT
    // DISTINCT so "no matching application" rows dedupe too.
    await queryRunner.query(
      `CREATE UNIQUE INDEX "webhook_deliveries_idempotency" ON "webhook_deliveries" ("provider", "delivery_id", "application_id") NULLS NOT DISTINCT`,
    );
    await queryRunner.query(
      `CREATE INDEX "webhook_deliveries_application_received_idx" ON "webhook_deliveries" ("application_id", "received_at" DESC)`,
    );
    await queryRunner.query(`CREATE INDEX "webhook_deliveries_received_idx" ON "webhook_deliveries" ("received_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
    await queryRunner.query(`ALTER TABLE "applications" DROP COLUMN "watch_paths"`);
    await queryRunner.query(`ALTER TABLE "applications" DROP COLUMN "webhook_secret"`);
  }
}
