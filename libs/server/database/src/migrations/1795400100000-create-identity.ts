import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateIdentity1795400100000 implements MigrationInterface {
  name = 'CreateIdentity1795400100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "users" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "email" text NOT NULL CHECK (length("email") <= 254),
        "name" text NOT NULL CHECK (length("name") BETWEEN 1 AND 100),
        "password_hash" text NOT NULL,
        "totp_secret" text,
        "totp_enabled_at" timestamptz,
        "totp_last_step" bigint,
        "password_changed_at" timestamptz NOT NULL DEFAULT now(),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    // Emails are unique regardless of case; lookups use the same lower() expression.
    await queryRunner.query(`CREATE UNIQUE INDEX "users_email_lower_key" ON "users" (lower("email"))`);

    await queryRunner.query(`
      CREATE TABLE "teams" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "name" text NOT NULL CHECK (length("name") BETWEEN 1 AND 100),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);

    await queryRunner.query(`
      CREATE TABLE "team_members" (
        "team_id" uuid NOT NULL REFERENCES "teams" ("id") ON DELETE CASCADE,
        "user_id" uuid NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
        "role" text NOT NULL CHECK ("role" IN ('owner', 'admin', 'member', 'viewer')),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY ("team_id", "user_id")
      )`);
    await queryRunner.query(`CREATE INDEX "team_members_user_id_idx" ON "team_members" ("user_id")`);

    // One row per issued refresh token; rows of one login share a family so that reuse of a
    // spent token can revoke every token descended from that login.
    await queryRunner.query(`
      CREATE TABLE "refresh_tokens" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
        "family_id" uuid NOT NULL,
        "token_hash" text NOT NULL UNIQUE,
        "expires_at" timestamptz NOT NULL,
        "used_at" timestamptz,
        "revoked_at" timestamptz,
        "ip" text,
        "user_agent" text,
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX "refresh_tokens_family_id_idx" ON "refresh_tokens" ("family_id")`);
    await queryRunner.query(`CREATE INDEX "refresh_tokens_user_id_idx" ON "refresh_tokens" ("user_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "refresh_tokens"`);
    await queryRunner.query(`DROP TABLE "team_members"`);
    await queryRunner.query(`DROP TABLE "teams"`);
    await queryRunner.query(`DROP TABLE "users"`);
  }
}
