import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAuditEvents1795400400000 implements MigrationInterface {
  name = 'CreateAuditEvents1795400400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // team_id is null for events about an account rather than a team (sign-ins, 2FA); a team's
    // log shows those of its current members.
    await queryRunner.query(`
      CREATE TABLE "audit_events" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "team_id" uuid REFERENCES "teams" ("id") ON DELETE CASCADE,
        "actor_user_id" uuid REFERENCES "users" ("id") ON DELETE SET NULL,
        "actor_token_id" uuid REFERENCES "api_tokens" ("id") ON DELETE SET NULL,
        "action" text NOT NULL,
        "target_type" text,
        "target_id" text,
        "ip" text,
        "user_agent" text,
        "metadata" jsonb NOT NULL DEFAULT '{}',
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX "audit_events_team_created_idx" ON "audit_events" ("team_id", "created_at" DESC)`);
    await queryRunner.query(`CREATE INDEX "audit_events_actor_created_idx" ON "audit_events" ("actor_user_id", "created_at" DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "audit_events"`);
  }
}
