import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Storage of applications (docs/volumes.md): named volumes, bind mounts and files in one table,
 * the deploy strategy of each application, and the host directories a server's owners allow to
 * bind-mount. The Docker volume of a named volume is named from the application's id and the
 * volume's name, so nothing about it is stored beyond those.
 */
export class ApplicationMounts1796637312205 implements MigrationInterface {
  name = 'ApplicationMounts1796637312205';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "application_mounts" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "team_id" uuid NOT NULL REFERENCES "teams" ("id") ON DELETE CASCADE,
        "application_id" uuid NOT NULL REFERENCES "applications" ("id") ON DELETE CASCADE,
        "kind" text NOT NULL CHECK ("kind" IN ('volume', 'bind', 'file')),
        "name" text CHECK ("name" ~ '^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$'),
        "mount_path" text NOT NULL CHECK (length("mount_path") BETWEEN 2 AND 100 AND left("mount_path", 1) = '/'),
        "host_path" text CHECK (length("host_path") BETWEEN 2 AND 100 AND left("host_path", 1) = '/'),
        "read_only" boolean NOT NULL DEFAULT false,
        "content" text,
        "secret" boolean NOT NULL DEFAULT false,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "application_mounts_path_key" UNIQUE ("application_id", "mount_path"),
        CHECK (("kind" = 'volume') = ("name" IS NOT NULL)),
        CHECK (("kind" = 'bind') = ("host_path" IS NOT NULL)),
        CHECK (("kind" = 'file') = ("content" IS NOT NULL)),
        CHECK ("kind" = 'file' OR NOT "secret")
      )`);
    await queryRunner.query(`CREATE INDEX "application_mounts_team_id_idx" ON "application_mounts" ("team_id")`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "application_mounts_volume_name_key" ON "application_mounts" ("application_id", "name") WHERE "kind" = 'volume'`,
    );
    await queryRunner.query(
      `ALTER TABLE "applications" ADD COLUMN "deploy_strategy" text NOT NULL DEFAULT 'rolling' CHECK ("deploy_strategy" IN ('rolling', 'recreate'))`,
    );
    await queryRunner.query(`ALTER TABLE "servers" ADD COLUMN "allowed_bind_roots" text[] NOT NULL DEFAULT '{}'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "servers" DROP COLUMN "allowed_bind_roots"`);
    await queryRunner.query(`ALTER TABLE "applications" DROP COLUMN "deploy_strategy"`);
    await queryRunner.query(`DROP TABLE "application_mounts"`);
  }
}
