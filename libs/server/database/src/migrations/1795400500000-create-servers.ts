import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateServers1795400500000 implements MigrationInterface {
  name = 'CreateServers1795400500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "ssh_keys" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "team_id" uuid NOT NULL REFERENCES "teams" ("id") ON DELETE CASCADE,
        "name" text NOT NULL CHECK (length("name") BETWEEN 1 AND 100),
        "type" text NOT NULL,
        "private_key" text NOT NULL,
        "public_key" text NOT NULL,
        "fingerprint" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX "ssh_keys_team_id_idx" ON "ssh_keys" ("team_id")`);

    await queryRunner.query(`
      CREATE TABLE "servers" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "team_id" uuid NOT NULL REFERENCES "teams" ("id") ON DELETE CASCADE,
        "name" text NOT NULL CHECK ("name" ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
        "host" text NOT NULL CHECK (length("host") BETWEEN 1 AND 253),
        "port" integer NOT NULL CHECK ("port" BETWEEN 1 AND 65535),
        "user" text NOT NULL CHECK ("user" ~ '^[a-z_][a-z0-9_-]{0,31}$'),
        "ssh_key_id" uuid NOT NULL REFERENCES "ssh_keys" ("id") ON DELETE RESTRICT,
        "description" text NOT NULL DEFAULT '' CHECK (length("description") <= 500),
        "status" text NOT NULL DEFAULT 'pending' CHECK ("status" IN ('pending', 'validating', 'ready', 'unreachable', 'invalid')),
        "status_reason" text,
        "host_key_fingerprint" text,
        "os" text,
        "docker_version" text,
        "disk_free_bytes" bigint,
        "last_validated_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        UNIQUE ("team_id", "name")
      )`);
    await queryRunner.query(`CREATE INDEX "servers_team_id_idx" ON "servers" ("team_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "servers"`);
    await queryRunner.query(`DROP TABLE "ssh_keys"`);
  }
}
