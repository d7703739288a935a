import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications (docs/notifications.md): a team's channels, the events Zpanel records once when
 * something happens (the outbox the worker fans out from), one delivery per channel and event, and
 * each person's read marks for the notification centre. An event has a team (`team` and `owners`
 * audiences) or a user (`user`: their own sign-ins and 2FA changes), and goes with it (CASCADE), as
 * deliveries go with their channel and event. A channel's secrets are one sealed JSON object
 * (`notificationChannelSecretsAad`), never selected by the finders.
 */
export class CreateNotifications1796670000000 implements MigrationInterface {
  name = 'CreateNotifications1796670000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "notification_channels" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "team_id" uuid NOT NULL REFERENCES "teams" ("id") ON DELETE CASCADE,
        "name" text NOT NULL CHECK (length("name") BETWEEN 1 AND 100),
        "kind" text NOT NULL CHECK ("kind" IN ('email', 'slack', 'mattermost', 'discord', 'telegram', 'ntfy', 'webhook')),
        "enabled" boolean NOT NULL DEFAULT true,
        "settings" jsonb NOT NULL DEFAULT '{}'::jsonb,
        "secrets" text,
        "secrets_set" text[] NOT NULL DEFAULT '{}',
        "events" text[] NOT NULL DEFAULT '{}',
        "project_ids" uuid[],
        "environment_ids" uuid[],
        "failing_since" timestamptz,
        "consecutive_failures" integer NOT NULL DEFAULT 0 CHECK ("consecutive_failures" >= 0),
        "last_delivery_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "notification_channels_team_name_key" UNIQUE ("team_id", "name")
      )`);
    await queryRunner.query(`
      CREATE TABLE "notification_events" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "team_id" uuid REFERENCES "teams" ("id") ON DELETE CASCADE,
        "user_id" uuid REFERENCES "users" ("id") ON DELETE CASCADE,
        "audience" text NOT NULL CHECK ("audience" IN ('team', 'owners', 'user')),
        "kind" text NOT NULL CHECK (length("kind") BETWEEN 1 AND 64),
        "severity" text NOT NULL CHECK ("severity" IN ('info', 'success', 'warning', 'error')),
        "title" text NOT NULL CHECK (length("title") BETWEEN 1 AND 300),
        "message" text NOT NULL CHECK (length("message") <= 4000),
        "url" text CHECK (length("url") BETWEEN 1 AND 500),
        "subject_type" text,
        "subject_id" uuid,
        "subject_name" text,
        "project_id" uuid,
        "environment_id" uuid,
        "group_key" text,
        "data" jsonb NOT NULL DEFAULT '{}'::jsonb,
        "occurred_at" timestamptz NOT NULL DEFAULT now(),
        "fanned_out_at" timestamptz,
        CHECK (("audience" = 'user') = ("user_id" IS NOT NULL)),
        CHECK ("audience" = 'user' OR "team_id" IS NOT NULL)
      )`);
    await queryRunner.query(`CREATE INDEX "notification_events_team_occurred" ON "notification_events" ("team_id", "occurred_at" DESC)`);
    await queryRunner.query(
      `CREATE INDEX "notification_events_user_occurred" ON "notification_events" ("user_id", "occurred_at" DESC) WHERE "user_id" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "notification_events_not_fanned_out" ON "notification_events" ("occurred_at") WHERE "fanned_out_at" IS NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE "notification_deliveries" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "team_id" uuid NOT NULL REFERENCES "teams" ("id") ON DELETE CASCADE,
        "channel_id" uuid NOT NULL REFERENCES "notification_channels" ("id") ON DELETE CASCADE,
        "event_id" uuid NOT NULL REFERENCES "notification_events" ("id") ON DELETE CASCADE,
        "status" text NOT NULL CHECK ("status" IN ('queued', 'retrying', 'succeeded', 'failed', 'grouped')),
        "attempts" integer NOT NULL DEFAULT 0 CHECK ("attempts" >= 0),
        "response_status" integer,
        "last_error" text CHECK (length("last_error") <= 1000),
        "next_attempt_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "finished_at" timestamptz,
        CONSTRAINT "notification_deliveries_channel_event_key" UNIQUE ("channel_id", "event_id")
      )`);
    await queryRunner.query(`CREATE INDEX "notification_deliveries_channel_created" ON "notification_deliveries" ("channel_id", "created_at" DESC)`);
    await queryRunner.query(
      `CREATE INDEX "notification_deliveries_pending" ON "notification_deliveries" ("next_attempt_at") WHERE "status" IN ('queued', 'retrying')`,
    );
    await queryRunner.query(`
      CREATE TABLE "notification_reads" (
        "user_id" uuid NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
        "event_id" uuid NOT NULL REFERENCES "notification_events" ("id") ON DELETE CASCADE,
        "read_at" timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY ("user_id", "event_id")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "notification_reads"`);
    await queryRunner.query(`DROP TABLE "notification_deliveries"`);
    await queryRunner.query(`DROP TABLE "notification_events"`);
    await queryRunner.query(`DROP TABLE "notification_channels"`);
  }
}
