import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Projects, environments, applications, their domains and variables. */
export class CreateApplications1795400800000 implements MigrationInterface {
  name = 'CreateApplications1795400800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "projects" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "team_id" uuid NOT NULL REFERENCES "teams" ("id") ON DELETE CASCADE,
        "name" text NOT NULL CHECK (length("name") BETWEEN 1 AND 100),
        "description" text NOT NULL DEFAULT '' CHECK (length("description") <= 500),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "projects_team_name_key" ON "projects" ("team_id", lower("name"))`);

    await queryRunner.query(`
      CREATE TABLE "environments" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "team_id" uuid NOT NULL REFERENCES "teams" ("id") ON DELETE CASCADE,
        "project_id" uuid NOT NULL REFERENCES "projects" ("id") ON DELETE CASCADE,
        "name" text NOT NULL CHECK ("name" ~ '^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$'),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        UNIQUE ("project_id", "name")
      )`);
    await queryRunner.query(`CREATE INDEX "environments_team_id_idx" ON "environments" ("team_id")`);

    // An application's name is its container name and network alias on its server: unique there.
    await queryRunner.query(`
      CREATE TABLE "applications" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "team_id" uuid NOT NULL REFERENCES "teams" ("id") ON DELETE CASCADE,
        "project_id" uuid NOT NULL REFERENCES "projects" ("id") ON DELETE CASCADE,
        "environment_id" uuid NOT NULL REFERENCES "environments" ("id") ON DELETE CASCADE,
        "server_id" uuid NOT NULL REFERENCES "servers" ("id") ON DELETE RESTRICT,
        "name" text NOT NULL CHECK ("name" ~ '^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$'),
        "description" text NOT NULL DEFAULT '' CHECK (length("description") <= 500),
        "build_pack" text NOT NULL CHECK ("build_pack" IN ('dockerfile', 'image')),
        "git_url" text,
        "git_branch" text,
        "deploy_key_id" uuid REFERENCES "ssh_keys" ("id") ON DELETE RESTRICT,
        "dockerfile_path" text NOT NULL DEFAULT 'Dockerfile',
        "build_target" text,
        "base_directory" text NOT NULL DEFAULT '.',
        "image_reference" text,
        "port" integer NOT NULL CHECK ("port" BETWEEN 1 AND 65535),
        "health_check" jsonb NOT NULL,
        "restart_policy" text NOT NULL DEFAULT 'unless-stopped' CHECK ("restart_policy" IN ('unless-stopped', 'always', 'on-failure', 'no')),
        "cpu_limit" numeric(6, 2) CHECK ("cpu_limit" IS NULL OR "cpu_limit" > 0),
        "memory_limit_mb" integer CHECK ("memory_limit_mb" IS NULL OR "memory_limit_mb" >= 6),
        "stop_grace_seconds" integer NOT NULL DEFAULT 10 CHECK ("stop_grace_seconds" BETWEEN 0 AND 3600),
        "keep_images" integer NOT NULL DEFAULT 3 CHECK ("keep_images" BETWEEN 1 AND 50),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        UNIQUE ("server_id", "name"),
        CHECK (("build_pack" = 'dockerfile' AND "git_url" IS NOT NULL AND "git_branch" IS NOT NULL)
            OR ("build_pack" = 'image' AND "image_reference" IS NOT NULL))
      )`);
    await queryRunner.query(`CREATE INDEX "applications_team_id_idx" ON "applications" ("team_id")`);
    await queryRunner.query(`CREATE INDEX "applications_environment_id_idx" ON "applications" ("environment_id")`);

    // One route per domain on the whole instance: two applications can never claim the same name.
    await queryRunner.query(`
      CREATE TABLE "application_domains" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "team_id" uuid NOT NULL REFERENCES "teams" ("id") ON DELETE CASCADE,
        "application_id" uuid NOT NULL REFERENCES "applications" ("id") ON DELETE CASCADE,
        "domain" text NOT NULL UNIQUE CHECK ("domain" = lower("domain") AND length("domain") <= 253),
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX "application_domains_application_id_idx" ON "application_domains" ("application_id")`);

    // Exactly one owner per variable: an environment (shared) or an application (wins over shared).
    await queryRunner.query(`
      CREATE TABLE "env_vars" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "team_id" uuid NOT NULL REFERENCES "teams" ("id") ON DELETE CASCADE,
        "environment_id" uuid REFERENCES "environments" ("id") ON DELETE CASCADE,
        "application_id" uuid REFERENCES "applications" ("id") ON DELETE CASCADE,
        "key" text NOT NULL CHECK ("key" ~ '^[A-Za-z_][A-Za-z0-9_]{0,255}$'),
        "value" text NOT NULL,
        "build_time" boolean NOT NULL DEFAULT false,
        "runtime" boolean NOT NULL DEFAULT true,
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CHECK (("environment_id" IS NULL) <> ("application_id" IS NULL)),
        CHECK ("build_time" OR "runtime")
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "env_vars_environment_key" ON "env_vars" ("environment_id", "key") WHERE "environment_id" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "env_vars_application_key" ON "env_vars" ("application_id", "key") WHERE "application_id" IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "env_vars"`);
    await queryRunner.query(`DROP TABLE "application_domains"`);
    await queryRunner.query(`DROP TABLE "applications"`);
    await queryRunner.query(`DROP TABLE "environments"`);
    await queryRunner.query(`DROP TABLE "projects"`);
  }
}
