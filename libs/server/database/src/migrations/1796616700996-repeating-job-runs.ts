import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When each repeating job (reapers, server checks tick, pruning) last finished. Kept in Postgres, not
 * Redis: it must survive a Redis wipe or restore, which is exactly when the schedulers can vanish.
 */
export class RepeatingJobRuns1796616700996 implements MigrationInterface {
  name = 'RepeatingJobRuns1796616700996';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "repeating_job_runs" ("job_name" text PRIMARY KEY CHECK (length("job_name") BETWEEN 1 AND 100), "every_ms" integer NOT NULL CHECK ("every_ms" > 0), "last_run_at" timestamptz NOT NULL)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "repeating_job_runs"`);
  }
}
