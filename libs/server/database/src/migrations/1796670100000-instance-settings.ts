import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Instance settings an operator sets in System (docs/notifications.md, "Instance email"): the public
 * URL links in notifications and emails point to, and the SMTP server Zpanel sends its own email
 * through (invitations, password resets, a person's own notices). The SMTP password is sealed
 * (`instanceSmtpPasswordAad`) and never selected by default.
 */
export class InstanceSettings1796670100000 implements MigrationInterface {
  name = 'InstanceSettings1796670100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "instance"
        ADD COLUMN "public_url" text CHECK (length("public_url") BETWEEN 1 AND 500),
        ADD COLUMN "smtp" jsonb,
        ADD COLUMN "smtp_password" text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "instance" DROP COLUMN "smtp_password", DROP COLUMN "smtp", DROP COLUMN "public_url"`);
  }
}
