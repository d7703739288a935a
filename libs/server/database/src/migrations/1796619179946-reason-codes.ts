import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A code beside each reason shown to people (deployments' and servers'), for clients that react to a
 * reason without matching its words. A server already refused for a changed host key gets its code,
 * so its "trust the new key" banner stays.
 */
export class ReasonCodes1796619179946 implements MigrationInterface {
  name = 'ReasonCodes1796619179946';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "deployments" ADD COLUMN IF NOT EXISTS "reason_code" text`);
    await queryRunner.query(`ALTER TABLE "servers" ADD COLUMN IF NOT EXISTS "status_reason_code" text`);
    await queryRunner.query(
      `UPDATE "servers" SET "status_reason_code" = 'server.host_key_changed' WHERE "status" = 'invalid' AND "status_reason" LIKE 'The server''s host key changed%'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "servers" DROP COLUMN "status_reason_code"`);
    await queryRunner.query(`ALTER TABLE "deployments" DROP COLUMN "reason_code"`);
  }
}
