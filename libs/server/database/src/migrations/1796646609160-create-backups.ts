import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Backups (docs/backups.md, "Data model"): destinations, schedules, backup runs and restore runs.
 * `team_id` NULL on schedules, backups and restores is the instance's own PostgreSQL (System), whose
 * backups go to a destination of the instance's first team (destinations are always a team's). A backup's history
 * outlives its source (SET NULL), and a schedule goes with its source (CASCADE). A destination cannot
 * be deleted while a schedule or the server it writes to needs it (NO ACTION: checked at the end of
 * the statement, so a team's deletion, which cascades through both, still works).
 */
export class CreateBackups1796646609160 implements MigrationInterface {
  name = 'CreateBackups1796646609160';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The secret key and the data key are sealed (backupSecretKeyAad; sealBackupDataKey in @zpanel/core); the data key
    // encrypts every backup written here, its fingerprint (data_key_id) is printed in each one's header.
    await queryRunner.query(`
      CREATE TABLE "backup_destinations" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "team_id" uuid NOT NULL REFERENCES "teams" ("id") ON DELETE CASCADE,
        "name" text NOT NULL CHECK (length("name") BETWEEN 1 AND 100),
        "kind" text NOT NULL CHECK ("kind" IN ('s3', 'server')),
        "endpoint" text CHECK (length("endpoint") BETWEEN 1 AND 2048),
        "region" text CHECK (length("region") BETWEEN 1 AND 64),
        "bucket" text CHECK ("bucket" ~ '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$'),
        "prefix" text CHECK (length("prefix") BETWEEN 1 AND 200),
        "force_path_style" boolean,
        "access_key_id" text CHECK (length("access_key_id") BETWEEN 1 AND 256),
        "secret_access_key" text,
        "server_id" uuid REFERENCES "servers" ("id"),
        "path" text CHECK (length("path") BETWEEN 2 AND 255 AND left("path", 1) = '/'),
        "data_key" text NOT NULL,
        "data_key_id" text NOT NULL CHECK (length("data_key_id") BETWEEN 1 AND 64),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "backup_destinations_team_name_key" UNIQUE ("team_id", "name"),
        CHECK (("kind" = 's3') = ("endpoint" IS NOT NULL AND "region" IS NOT NULL AND "bucket" IS NOT NULL
          AND "force_path_style" IS NOT NULL AND "access_key_id" IS NOT NULL AND "secret_access_key" IS NOT NULL)),
        CHECK ("kind" = 's3' OR ("endpoint" IS NULL AND "region" IS NULL AND "bucket" IS NULL AND "prefix" IS NULL
          AND "force_path_style" IS NULL AND "access_key_id" IS NULL AND "secret_access_key" IS NULL)),
        CHECK (("kind" = 'server') = ("server_id" IS NOT NULL AND "path" IS NOT NULL)),
        CHECK ("kind" = 'server' OR ("server_id" IS NULL AND "path" IS NULL))
      )`);
    await queryRunner.query(`CREATE INDEX "backup_destinations_server_id_idx" ON "backup_destinations" ("server_id") WHERE "server_id" IS NOT NULL`);

    await queryRunner.query(`
      CREATE TABLE "backup_schedules" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "team_id" uuid REFERENCES "teams" ("id") ON DELETE CASCADE,
        "source_kind" text NOT NULL CHECK ("source_kind" IN ('database', 'volume', 'instance')),
        "database_id" uuid REFERENCES "databases" ("id") ON DELETE CASCADE,
        "volume_id" uuid REFERENCES "application_mounts" ("id") ON DELETE CASCADE,
        "destination_id" uuid NOT NULL REFERENCES "backup_destinations" ("id"),
        "cron" text NOT NULL CHECK (length("cron") BETWEEN 1 AND 100),
        "timezone" text NOT NULL DEFAULT 'UTC' CHECK (length("timezone") BETWEEN 1 AND 64),
        "retention_count" integer CHECK ("retention_count" BETWEEN 1 AND 1000),
        "retention_days" integer CHECK ("retention_days" BETWEEN 1 AND 3650),
        "verify_after_backup" boolean NOT NULL DEFAULT true,
        "timeout_minutes" integer NOT NULL DEFAULT 60 CHECK ("timeout_minutes" BETWEEN 1 AND 1440),
        "enabled" boolean NOT NULL DEFAULT true,
        "next_run_at" timestamptz,
        "last_run_at" timestamptz,
        "missed_since" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CHECK ("retention_count" IS NOT NULL OR "retention_days" IS NOT NULL),
        CHECK (("source_kind" = 'database') = ("database_id" IS NOT NULL)),
        CHECK (("source_kind" = 'volume') = ("volume_id" IS NOT NULL)),
        CHECK (("source_kind" = 'instance') = ("team_id" IS NULL))
      )`);
    await queryRunner.query(`CREATE INDEX "backup_schedules_team_id_idx" ON "backup_schedules" ("team_id")`);
    await queryRunner.query(`CREATE INDEX "backup_schedules_database_id_idx" ON "backup_schedules" ("database_id") WHERE "database_id" IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "backup_schedules_volume_id_idx" ON "backup_schedules" ("volume_id") WHERE "volume_id" IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "backup_schedules_destination_id_idx" ON "backup_schedules" ("destination_id")`);
    // What the scheduler's tick reads: enabled schedules whose slot has come.
    await queryRunner.query(`CREATE INDEX "backup_schedules_due_idx" ON "backup_schedules" ("next_run_at") WHERE "enabled"`);

    // A run under the run lease. `server_slot` is which of the server's BACKUP_CONCURRENCY_PER_SERVER slots a
    // running backup holds: the claim takes the lowest free one, and the unique index makes two workers
    // claiming the same slot at once fail one of them (retried as busy) instead of exceeding the limit.
    await queryRunner.query(`
      CREATE TABLE "backups" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "team_id" uuid REFERENCES "teams" ("id") ON DELETE CASCADE,
        "schedule_id" uuid REFERENCES "backup_schedules" ("id") ON DELETE SET NULL,
        "source_kind" text NOT NULL CHECK ("source_kind" IN ('database', 'volume', 'instance')),
        "database_id" uuid REFERENCES "databases" ("id") ON DELETE SET NULL,
        "volume_id" uuid REFERENCES "application_mounts" ("id") ON DELETE SET NULL,
        "server_id" uuid REFERENCES "servers" ("id") ON DELETE SET NULL,
        "server_slot" smallint CHECK ("server_slot" >= 1),
        "destination_id" uuid REFERENCES "backup_destinations" ("id") ON DELETE SET NULL,
        "trigger" text NOT NULL CHECK ("trigger" IN ('schedule', 'manual', 'safety', 'upload')),
        "verify_after_backup" boolean NOT NULL DEFAULT true,
        "timeout_minutes" integer NOT NULL DEFAULT 60 CHECK ("timeout_minutes" BETWEEN 1 AND 1440),
        "status" text NOT NULL DEFAULT 'queued' CHECK ("status" IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'pruned')),
        "reason" text CHECK (length("reason") <= 4000),
        "reason_code" text,
        "log" text NOT NULL DEFAULT '',
        "engine" text CHECK ("engine" IN ('postgresql', 'mysql', 'mariadb', 'redis')),
        "image" text CHECK (length("image") BETWEEN 1 AND 255),
        "size_bytes" bigint CHECK ("size_bytes" >= 0),
        "dump_bytes" bigint CHECK ("dump_bytes" >= 0),
        "sha256" text CHECK ("sha256" ~ '^[0-9a-f]{64}$'),
        "compression" text CHECK ("compression" IN ('zstd', 'gzip')),
        "location" text CHECK (length("location") BETWEEN 1 AND 1024),
        "data_key_id" text CHECK (length("data_key_id") BETWEEN 1 AND 64),
        "inventory" jsonb,
        "verification" text NOT NULL DEFAULT 'none' CHECK ("verification" IN ('none', 'pending', 'verified', 'mismatch', 'failed')),
        "verified_at" timestamptz,
        "verification_detail" text CHECK (length("verification_detail") <= 4000),
        "user_id" uuid REFERENCES "users" ("id") ON DELETE SET NULL,
        "token_id" uuid REFERENCES "api_tokens" ("id") ON DELETE SET NULL,
        "actor_name" text NOT NULL,
        "cancel_requested_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "started_at" timestamptz,
        "finished_at" timestamptz,
        "heartbeat_at" timestamptz,
        "worker_id" text,
        CHECK ("source_kind" = 'database' OR "database_id" IS NULL),
        CHECK ("source_kind" = 'volume' OR "volume_id" IS NULL),
        CHECK (("source_kind" = 'instance') = ("team_id" IS NULL)),
        CHECK ("status" <> 'succeeded' OR ("size_bytes" IS NOT NULL AND "sha256" IS NOT NULL AND "location" IS NOT NULL))
      )`);
    await queryRunner.query(`CREATE INDEX "backups_team_created_idx" ON "backups" ("team_id", "created_at" DESC)`);
    await queryRunner.query(
      `CREATE INDEX "backups_database_created_idx" ON "backups" ("database_id", "created_at" DESC) WHERE "database_id" IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX "backups_volume_created_idx" ON "backups" ("volume_id", "created_at" DESC) WHERE "volume_id" IS NOT NULL`);
    await queryRunner.query(
      `CREATE INDEX "backups_schedule_created_idx" ON "backups" ("schedule_id", "created_at" DESC) WHERE "schedule_id" IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX "backups_destination_id_idx" ON "backups" ("destination_id")`);
    await queryRunner.query(`CREATE INDEX "backups_unfinished_idx" ON "backups" ("status", "created_at") WHERE "status" IN ('queued', 'running')`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "backups_server_slot_key" ON "backups" ("server_id", "server_slot") WHERE "status" = 'running' AND "server_slot" IS NOT NULL`,
    );
    // A schedule's slot that comes while its last backup still runs queues nothing more.
    await queryRunner.query(
      `CREATE UNIQUE INDEX "backups_one_active_per_schedule" ON "backups" ("schedule_id") WHERE "status" IN ('queued', 'running') AND "schedule_id" IS NOT NULL`,
    );

    await queryRunner.query(`
      CREATE TABLE "restores" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "team_id" uuid REFERENCES "teams" ("id") ON DELETE CASCADE,
        "backup_id" uuid REFERENCES "backups" ("id") ON DELETE SET NULL,
        "source_kind" text NOT NULL CHECK ("source_kind" IN ('database', 'volume', 'instance')),
        "target" text NOT NULL CHECK ("target" IN ('same', 'new', 'verify')),
        "database_id" uuid REFERENCES "databases" ("id") ON DELETE SET NULL,
        "volume_id" uuid REFERENCES "application_mounts" ("id") ON DELETE SET NULL,
        "server_id" uuid REFERENCES "servers" ("id") ON DELETE SET NULL,
        "safety_backup_id" uuid REFERENCES "backups" ("id") ON DELETE SET NULL,
        "timeout_minutes" integer NOT NULL DEFAULT 60 CHECK ("timeout_minutes" BETWEEN 1 AND 1440),
        "status" text NOT NULL DEFAULT 'queued' CHECK ("status" IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
        "reason" text CHECK (length("reason") <= 4000),
        "reason_code" text,
        "log" text NOT NULL DEFAULT '',
        "result" jsonb,
        "user_id" uuid REFERENCES "users" ("id") ON DELETE SET NULL,
        "token_id" uuid REFERENCES "api_tokens" ("id") ON DELETE SET NULL,
        "actor_name" text NOT NULL,
        "cancel_requested_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "started_at" timestamptz,
        "finished_at" timestamptz,
        "heartbeat_at" timestamptz,
        "worker_id" text,
        CHECK ("source_kind" = 'database' OR "database_id" IS NULL),
        CHECK ("source_kind" = 'volume' OR "volume_id" IS NULL),
        CHECK (("source_kind" = 'instance') = ("team_id" IS NULL))
      )`);
    await queryRunner.query(`CREATE INDEX "restores_team_created_idx" ON "restores" ("team_id", "created_at" DESC)`);
    await queryRunner.query(`CREATE INDEX "restores_backup_id_idx" ON "restores" ("backup_id") WHERE "backup_id" IS NOT NULL`);
    await queryRunner.query(
      `CREATE INDEX "restores_database_created_idx" ON "restores" ("database_id", "created_at" DESC) WHERE "database_id" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "restores_volume_created_idx" ON "restores" ("volume_id", "created_at" DESC) WHERE "volume_id" IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX "restores_unfinished_idx" ON "restores" ("status", "created_at") WHERE "status" IN ('queued', 'running')`);
    // One restore at a time into a database or a volume; verifications (throwaway containers) are not limited here.
    await queryRunner.query(
      `CREATE UNIQUE INDEX "restores_one_active_per_database" ON "restores" ("database_id") WHERE "status" IN ('queued', 'running') AND "target" <> 'verify' AND "database_id" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "restores_one_active_per_volume" ON "restores" ("volume_id") WHERE "status" IN ('queued', 'running') AND "target" <> 'verify' AND "volume_id" IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "restores"`);
    await queryRunner.query(`DROP TABLE "backups"`);
    await queryRunner.query(`DROP TABLE "backup_schedules"`);
    await queryRunner.query(`DROP TABLE "backup_destinations"`);
  }
}
