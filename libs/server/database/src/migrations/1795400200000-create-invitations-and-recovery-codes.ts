import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateInvitationsAndRecoveryCodes1795400200000 implements MigrationInterface {
  name = 'CreateInvitationsAndRecoveryCodes1795400200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "invitations" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "team_id" uuid NOT NULL REFERENCES "teams" ("id") ON DELETE CASCADE,
        "email" text NOT NULL CHECK (length("email") <= 254),
        "role" text NOT NULL CHECK ("role" IN ('owner', 'admin', 'member', 'viewer')),
        "token_hash" text NOT NULL UNIQUE,
        "invited_by" uuid REFERENCES "users" ("id") ON DELETE SET NULL,
        "expires_at" timestamptz NOT NULL,
        "accepted_at" timestamptz,
        "accepted_by" uuid REFERENCES "users" ("id") ON DELETE SET NULL,
        "revoked_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX "invitations_team_id_idx" ON "invitations" ("team_id")`);

    // Hashes of the one-time 2FA recovery codes; a used code keeps its row (used_at) for the audit trail.
    await queryRunner.query(`
      CREATE TABLE "recovery_codes" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
        "code_hash" text NOT NULL,
        "used_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX "recovery_codes_user_id_idx" ON "recovery_codes" ("user_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "recovery_codes"`);
    await queryRunner.query(`DROP TABLE "invitations"`);
  }
}
