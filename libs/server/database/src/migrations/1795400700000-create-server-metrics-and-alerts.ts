import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateServerMetricsAndAlerts1795400700000 implements MigrationInterface {
  name = 'CreateServerMetricsAndAlerts1795400700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // A null interval follows the instance default (SERVER_CHECK_INTERVAL_SECONDS), so changing the
    // default moves every server that was never given its own. `next_check_at` is the scheduler's
    // claim: the tick moves it forward in the same statement that selects due servers, so two ticks
    // (two workers, or a slow one) can never both queue a server.
    await queryRunner.query(`
      ALTER TABLE "servers"
        ADD COLUMN "check_interval_seconds" integer CHECK ("check_interval_seconds" BETWEEN 5 AND 3600),
        ADD COLUMN "last_checked_at" timestamptz,
        ADD COLUMN "next_check_at" timestamptz,
        ADD COLUMN "consecutive_failures" integer NOT NULL DEFAULT 0 CHECK ("consecutive_failures" >= 0)`);

    // Samples go with their server. The primary key doubles as the index of time-range reads
    // (one server, one resolution, a ts range) and makes downsampling idempotent. team_id is a
    // denormalized copy without a foreign key: the server's cascade already removes the rows, and
    // the highest-volume table should not pay a second key lookup per insert.
    await queryRunner.query(`
      CREATE TABLE "server_metrics" (
        "server_id" uuid NOT NULL REFERENCES "servers" ("id") ON DELETE CASCADE,
        "team_id" uuid NOT NULL,
        "resolution" text NOT NULL CHECK ("resolution" IN ('raw', '1m')),
        "ts" timestamptz NOT NULL,
        "reachable" boolean NOT NULL,
        "cpu_percent" real,
        "memory_used_bytes" bigint,
        "memory_total_bytes" bigint,
        "disk_used_bytes" bigint,
        "disk_total_bytes" bigint,
        "load1" real,
        "load5" real,
        "load15" real,
        "containers" jsonb NOT NULL DEFAULT '[]',
        PRIMARY KEY ("server_id", "resolution", "ts")
      )`);

    await queryRunner.query(`
      CREATE TABLE "alert_rules" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "team_id" uuid NOT NULL REFERENCES "teams" ("id") ON DELETE CASCADE,
        "server_id" uuid NOT NULL REFERENCES "servers" ("id") ON DELETE CASCADE,
        "metric" text NOT NULL CHECK ("metric" IN ('cpu', 'memory', 'disk', 'load', 'unreachable')),
        "operator" text NOT NULL CHECK ("operator" IN ('>', '>=', '<', '<=')),
        "threshold" double precision NOT NULL CHECK ("threshold" >= 0 AND ("metric" IN ('load', 'unreachable') OR "threshold" <= 100)),
        "duration_seconds" integer NOT NULL DEFAULT 0 CHECK ("duration_seconds" BETWEEN 0 AND 86400),
        "enabled" boolean NOT NULL DEFAULT true,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX "alert_rules_server_idx" ON "alert_rules" ("server_id", "created_at")`);

    // The rule's condition is copied into each event, so an alert still says what fired after its
    // rule is changed. The message is stored for the notification channels that will send it.
    await queryRunner.query(`
      CREATE TABLE "alert_events" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "team_id" uuid NOT NULL REFERENCES "teams" ("id") ON DELETE CASCADE,
        "server_id" uuid NOT NULL REFERENCES "servers" ("id") ON DELETE CASCADE,
        "rule_id" uuid NOT NULL REFERENCES "alert_rules" ("id") ON DELETE CASCADE,
        "metric" text NOT NULL,
        "operator" text NOT NULL,
        "threshold" double precision NOT NULL,
        "value" double precision,
        "message" text NOT NULL,
        "opened_at" timestamptz NOT NULL DEFAULT now(),
        "resolved_at" timestamptz,
        CHECK ("resolved_at" IS NULL OR "resolved_at" >= "opened_at")
      )`);
    // At most one open alert per rule, whoever tries to open it: concurrent checks of one server
    // (two workers) insert with ON CONFLICT DO NOTHING against this index.
    await queryRunner.query(`CREATE UNIQUE INDEX "alert_events_one_open_per_rule" ON "alert_events" ("rule_id") WHERE "resolved_at" IS NULL`);
    await queryRunner.query(`CREATE INDEX "alert_events_server_opened_idx" ON "alert_events" ("server_id", "opened_at" DESC)`);
    await queryRunner.query(`CREATE INDEX "alert_events_team_opened_idx" ON "alert_events" ("team_id", "opened_at" DESC)`);

    // Every existing server gets the default rules new servers get from the API.
    await queryRunner.query(`
      INSERT INTO "alert_rules" ("team_id", "server_id", "metric", "operator", "threshold", "duration_seconds")
      SELECT s."team_id", s."id", d."metric", d."operator", d."threshold", d."duration_seconds"
      FROM "servers" s
      CROSS JOIN (VALUES ('disk', '>', 80, 0), ('memory', '>', 90, 300), ('unreachable', '>', 0, 0)) AS d ("metric", "operator", "threshold", "duration_seconds")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "alert_events"`);
    await queryRunner.query(`DROP TABLE "alert_rules"`);
    await queryRunner.query(`DROP TABLE "server_metrics"`);
    await queryRunner.query(`
      ALTER TABLE "servers"
        DROP COLUMN "check_interval_seconds",
        DROP COLUMN "last_checked_at",
        DROP COLUMN "next_check_at",
        DROP COLUMN "consecutive_failures"`);
  }
}
