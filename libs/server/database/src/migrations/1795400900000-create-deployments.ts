import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Deployments of applications and their log lines. */
export class CreateDeployments1795400900000 implements MigrationInterface {
  name = 'CreateDeployments1795400900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // History of the application: it goes with it. Who asked may be deleted later, so the name is a
    // snapshot and the references fall back to null.
    await queryRunner.query(`
      CREATE TABLE "deployments" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "team_id" uuid NOT NULL REFERENCES "teams" ("id") ON DELETE CASCADE,
        "application_id" uuid NOT NULL REFERENCES "applications" ("id") ON DELETE CASCADE,
        "status" text NOT NULL DEFAULT 'queued' CHECK ("status" IN ('queued', 'running', 'success', 'failed', 'cancelled', 'superseded')),
        "trigger" text NOT NULL CHECK ("trigger" IN ('manual', 'api', 'webhook', 'rollback', 'redeploy')),
        "commit_sha" text CHECK ("commit_sha" IS NULL OR "commit_sha" ~ '^[0-9a-f]{7,40}$'),
        "source_deployment_id" uuid REFERENCES "deployments" ("id") ON DELETE SET NULL,
        "image_tag" text,
        "container_name" text,
        "step" text NOT NULL DEFAULT 'queued' CHECK ("step" IN ('queued', 'source', 'build', 'start', 'health', 'promote', 'retire', 'prune', 'done')),
        "reason" text CHECK (length("reason") <= 4000),
        "user_id" uuid REFERENCES "users" ("id") ON DELETE SET NULL,
        "token_id" uuid REFERENCES "api_tokens" ("id") ON DELETE SET NULL,
        "actor_name" text NOT NULL,
        "cancel_requested_at" timestamptz,
        "image_pruned_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "started_at" timestamptz,
        "finished_at" timestamptz,
        "heartbeat_at" timestamptz,
        "worker_id" text
      )`);
    await queryRunner.query(`CREATE INDEX "deployments_application_created_idx" ON "deployments" ("application_id", "created_at" DESC)`);
    await queryRunner.query(`CREATE INDEX "deployments_team_id_idx" ON "deployments" ("team_id")`);
    // The reaper and the "one running per application" check look at unfinished rows only.
    await queryRunner.query(
      `CREATE INDEX "deployments_unfinished_idx" ON "deployments" ("status", "created_at") WHERE "status" IN ('queued', 'running')`,
    );
    // One running deployment per application, whatever the workers do.
    await queryRunner.query(
      `CREATE UNIQUE INDEX "deployments_one_running_per_application" ON "deployments" ("application_id") WHERE "status" = 'running'`,
    );

    // Append-only, one row per line: the cost of a line never depends on how long the log already is.
    await queryRunner.query(`
      CREATE TABLE "deployment_logs" (
        "deployment_id" uuid NOT NULL REFERENCES "deployments" ("id") ON DELETE CASCADE,
        "seq" bigint NOT NULL CHECK ("seq" > 0),
        "ts" timestamptz NOT NULL,
        "stream" text NOT NULL CHECK ("stream" IN ('stdout', 'stderr', 'system')),
        "line" text NOT NULL,
        PRIMARY KEY ("deployment_id", "seq")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "deployment_logs"`);
    await queryRunner.query(`DROP TABLE "deployments"`);
  }
}
