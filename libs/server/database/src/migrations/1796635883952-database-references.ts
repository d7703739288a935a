import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Linking applications to databases (docs/databases.md, Linking). A variable's value is sealed, so
 * the references it holds are kept beside it in plain text (`<database>.<VARIABLE>`, names only, no
 * secret): what finds the applications a database change concerns, and what the API shows without
 * opening a value. An application is marked for redeploy when a database it references changes
 * under it (a password rotation); a successful deployment clears the mark.
 */
export class DatabaseReferences1796635883952 implements MigrationInterface {
  name = 'DatabaseReferences1796635883952';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "env_vars" ADD COLUMN "database_references" text[] NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`ALTER TABLE "applications" ADD COLUMN "redeploy_reason" text`);
    await queryRunner.query(`ALTER TABLE "applications" ADD COLUMN "redeploy_requested_at" timestamptz`);
    await queryRunner.query(
      `ALTER TABLE "applications" ADD CONSTRAINT "applications_redeploy_check" CHECK (("redeploy_reason" IS NULL) = ("redeploy_requested_at" IS NULL))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "applications" DROP CONSTRAINT "applications_redeploy_check"`);
    await queryRunner.query(`ALTER TABLE "applications" DROP COLUMN "redeploy_requested_at"`);
    await queryRunner.query(`ALTER TABLE "applications" DROP COLUMN "redeploy_reason"`);
    await queryRunner.query(`ALTER TABLE "env_vars" DROP COLUMN "database_references"`);
  }
}
