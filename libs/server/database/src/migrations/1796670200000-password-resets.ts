import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Self-service password reset (docs/security.md, "Password reset"): one row per emailed link. Only
 * the token's SHA-256 is stored; a link works once (`used_at`) and until `expires_at`. A new
 * request ends the person's earlier unused links.
 */
export class PasswordResets1796670200000 implements MigrationInterface {
  name = 'PasswordResets1796670200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "password_resets" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
        "token_hash" text NOT NULL UNIQUE,
        "expires_at" timestamptz NOT NULL,
        "used_at" timestamptz,
        "ip" text,
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX "password_resets_user_id_idx" ON "password_resets" ("user_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "password_resets"`);
  }
}
