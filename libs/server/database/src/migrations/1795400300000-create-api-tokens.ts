import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateApiTokens1795400300000 implements MigrationInterface {
  name = 'CreateApiTokens1795400300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // A token acts for its creator in one team; it dies with the creator's account and is
    // checked against the creator's current role on every use.
    await queryRunner.query(`
      CREATE TABLE "api_tokens" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "team_id" uuid NOT NULL REFERENCES "teams" ("id") ON DELETE CASCADE,
        "created_by" uuid NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
        "name" text NOT NULL CHECK (length("name") BETWEEN 1 AND 100),
        "abilities" text[] NOT NULL CHECK (cardinality("abilities") > 0),
        "token_hash" text NOT NULL UNIQUE,
        "token_prefix" text NOT NULL,
        "expires_at" timestamptz,
        "last_used_at" timestamptz,
        "revoked_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX "api_tokens_team_id_idx" ON "api_tokens" ("team_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "api_tokens"`);
  }
}
