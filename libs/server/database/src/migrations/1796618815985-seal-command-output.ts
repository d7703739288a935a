import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Command output is stored sealed from now on (it may print secrets). SQL cannot seal without the
 * instance key, so the plaintext output of earlier runs is cleared rather than left readable in
 * the database and its backups; the runs themselves (command, status, exit code) stay.
 */
export class SealCommandOutput1796618815985 implements MigrationInterface {
  name = 'SealCommandOutput1796618815985';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE "command_runs" SET "output" = '' WHERE "output" <> ''`);
  }

  async down(): Promise<void> {
    // The cleared output is gone; sealed output stays sealed.
  }
}
