import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCommandRuns1795400600000 implements MigrationInterface {
  name = 'CreateCommandRuns1795400600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // (text refuses NUL by itself, so the command's "no NUL" rule needs no check here.)
    // Runs are history of the server: they go with it. The person or token that started one may be
    // deleted later, so the name is a snapshot and the references fall back to null.
    await queryRunner.query(`
      CREATE TABLE "command_runs" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "team_id" uuid NOT NULL REFERENCES "teams" ("id") ON DELETE CASCADE,
        "server_id" uuid NOT NULL REFERENCES "servers" ("id") ON DELETE CASCADE,
        "user_id" uuid REFERENCES "users" ("id") ON DELETE SET NULL,
        "token_id" uuid REFERENCES "api_tokens" ("id") ON DELETE SET NULL,
        "actor_name" text NOT NULL,
        "command" text NOT NULL CHECK (length("command") BETWEEN 1 AND 4096),
        "timeout_seconds" integer NOT NULL DEFAULT 300 CHECK ("timeout_seconds" BETWEEN 1 AND 3600),
        "status" text NOT NULL DEFAULT 'queued' CHECK ("status" IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
        "exit_code" integer,
        "output" text NOT NULL DEFAULT '',
        "output_truncated" boolean NOT NULL DEFAULT false,
        "error" text,
        "cancel_requested_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "started_at" timestamptz,
        "finished_at" timestamptz,
        "heartbeat_at" timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX "command_runs_server_created_idx" ON "command_runs" ("server_id", "created_at" DESC)`);
    // The reaper looks for unfinished runs only; a partial index keeps that cheap however long the history grows.
    await queryRunner.query(
      `CREATE INDEX "command_runs_unfinished_idx" ON "command_runs" ("status", "created_at") WHERE "status" IN ('queued', 'running')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "command_runs"`);
  }
}
