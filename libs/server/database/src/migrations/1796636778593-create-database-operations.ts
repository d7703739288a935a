import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operations on one-click databases (docs/databases.md, "Operations"): runs like command runs, queued by
 * the API and run by the worker under the run lease. Also the MySQL / MariaDB root password, which the
 * worker generates at create and only it uses (password rotation runs as root).
 */
export class CreateDatabaseOperations1796636778593 implements MigrationInterface {
  name = 'CreateDatabaseOperations1796636778593';

  async up(queryRunner: QueryRunner): Promise<void> {
    // `database_id` is deliberately not a foreign key: a `delete` operation removes its database's row as
    // its last step and must still be there to be finished (and read) afterwards, and the history of a
    // deleted database's operations stays readable by id. Operations go with their team.
    await queryRunner.query(`
      CREATE TABLE "database_operations" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "team_id" uuid NOT NULL REFERENCES "teams" ("id") ON DELETE CASCADE,
        "database_id" uuid NOT NULL,
        "kind" text NOT NULL CHECK ("kind" IN ('create', 'start', 'stop', 'restart', 'apply', 'rotate-password', 'delete')),
        "delete_data" boolean NOT NULL DEFAULT false CHECK (NOT "delete_data" OR "kind" = 'delete'),
        "status" text NOT NULL DEFAULT 'queued' CHECK ("status" IN ('queued', 'running', 'success', 'failed')),
        "reason" text CHECK (length("reason") <= 4000),
        "reason_code" text,
        "log" text NOT NULL DEFAULT '',
        "user_id" uuid REFERENCES "users" ("id") ON DELETE SET NULL,
        "token_id" uuid REFERENCES "api_tokens" ("id") ON DELETE SET NULL,
        "actor_name" text NOT NULL,
        "cancel_requested_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "started_at" timestamptz,
        "finished_at" timestamptz,
        "heartbeat_at" timestamptz,
        "worker_id" text
      )`);
    await queryRunner.query(`CREATE INDEX "database_operations_database_created_idx" ON "database_operations" ("database_id", "created_at" DESC)`);
    await queryRunner.query(`CREATE INDEX "database_operations_team_id_idx" ON "database_operations" ("team_id")`);
    await queryRunner.query(
      `CREATE INDEX "database_operations_unfinished_idx" ON "database_operations" ("status", "created_at") WHERE "status" IN ('queued', 'running')`,
    );
    // One operation at a time per database, queued or running, whatever the API and the workers do.
    await queryRunner.query(
      `CREATE UNIQUE INDEX "database_operations_one_active_per_database" ON "database_operations" ("database_id") WHERE "status" IN ('queued', 'running')`,
    );
    await queryRunner.query(
      `ALTER TABLE "databases" ADD COLUMN "root_password" text CHECK ("root_password" IS NULL OR "engine" IN ('mysql', 'mariadb'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "databases" DROP COLUMN "root_password"`);
    await queryRunner.query(`DROP TABLE "database_operations"`);
  }
}
