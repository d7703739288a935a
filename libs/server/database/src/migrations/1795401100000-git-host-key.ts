import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Private repositories: the git host's key, learned at the first ssh clone and pinned; an HTTPS token, sealed. */
export class GitHostKey1795401100000 implements MigrationInterface {
  name = 'GitHostKey1795401100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // known_hosts lines as ssh wrote them at first use; null: not learned yet (or forgotten on purpose).
    await queryRunner.query(`ALTER TABLE "applications" ADD COLUMN "git_host_key" text CHECK (length("git_host_key") <= 16384)`);
    // Sealed with the secret box bound to the application id (gitTokenAad); never returned by the API.
    await queryRunner.query(`ALTER TABLE "applications" ADD COLUMN "git_token" text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "applications" DROP COLUMN "git_token"`);
    await queryRunner.query(`ALTER TABLE "applications" DROP COLUMN "git_host_key"`);
  }
}
