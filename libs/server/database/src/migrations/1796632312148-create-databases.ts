import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One-click databases, beside applications in an environment (docs/databases.md, "Data model").
 * Backups will reference a database by its id, which never changes; its container, alias and data
 * volume are named from the id, so nothing else needs storing to find the data.
 */
export class CreateDatabases1796632312148 implements MigrationInterface {
  name = 'CreateDatabases1796632312148';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The name is what an application's references use (`${{ main-db.HOST }}`): unique in the
    // environment. It is not the alias on the server's network (that comes from the id), so two
    // environments on one server may each have a `main-db`. Redis has no database or user names.
    await queryRunner.query(`
      CREATE TABLE "databases" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "team_id" uuid NOT NULL REFERENCES "teams" ("id") ON DELETE CASCADE,
        "environment_id" uuid NOT NULL REFERENCES "environments" ("id") ON DELETE CASCADE,
        "server_id" uuid NOT NULL REFERENCES "servers" ("id") ON DELETE RESTRICT,
        "name" text NOT NULL CHECK ("name" ~ '^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$'),
        "engine" text NOT NULL CHECK ("engine" IN ('postgresql', 'mysql', 'mariadb', 'redis')),
        "image" text NOT NULL CHECK (length("image") BETWEEN 1 AND 255),
        "database_name" text CHECK ("database_name" ~ '^[a-z_][a-z0-9_]*$' AND length("database_name") <= 64),
        "user_name" text CHECK ("user_name" ~ '^[a-z_][a-z0-9_]*$' AND length("user_name") <= 63),
        "password" text NOT NULL,
        "public_port" integer CHECK ("public_port" IS NULL OR "public_port" BETWEEN 1 AND 65535),
        "memory_limit_mb" integer CHECK ("memory_limit_mb" IS NULL OR "memory_limit_mb" >= 6),
        "cpu_limit" numeric(6, 2) CHECK ("cpu_limit" IS NULL OR "cpu_limit" > 0),
        "status" text NOT NULL DEFAULT 'creating' CHECK ("status" IN ('creating', 'running', 'stopped', 'unhealthy', 'failed', 'deleting')),
        "status_reason" text,
        "status_reason_code" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "databases_environment_name_key" UNIQUE ("environment_id", "name"),
        CHECK (("engine" = 'redis') = ("database_name" IS NULL)),
        CHECK (("engine" = 'redis') = ("user_name" IS NULL))
      )`);
    await queryRunner.query(`CREATE INDEX "databases_team_id_idx" ON "databases" ("team_id")`);
    await queryRunner.query(`CREATE INDEX "databases_server_id_idx" ON "databases" ("server_id")`);
    // A port is published once per server; databases without one (most) do not count.
    await queryRunner.query(
      `CREATE UNIQUE INDEX "databases_server_public_port_key" ON "databases" ("server_id", "public_port") WHERE "public_port" IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "databases"`);
  }
}
