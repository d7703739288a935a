import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alert events of a second kind (docs/backups.md, "How a backup runs"): `backup_missed`, opened when
 * a backup schedule first gets `missed_since` and resolved when a backup counts again, for the
 * notifications issue to deliver like a server's alerts. Such an event names its schedule and no
 * server, rule or condition (a CHECK holds each kind to its own fields); at most one is open per
 * schedule (a partial unique index, as for a rule). An instance schedule's alerts belong to the
 * instance's first team, whose owners operate it. They go with their schedule (CASCADE), as a
 * rule's go with their rule.
 */
export class BackupMissedAlerts1796660000000 implements MigrationInterface {
  name = 'BackupMissedAlerts1796660000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "alert_events"
        ADD COLUMN "kind" text NOT NULL DEFAULT 'metric',
        ADD COLUMN "schedule_id" uuid REFERENCES "backup_schedules" ("id") ON DELETE CASCADE,
        ALTER COLUMN "server_id" DROP NOT NULL,
        ALTER COLUMN "rule_id" DROP NOT NULL,
        ALTER COLUMN "metric" DROP NOT NULL,
        ALTER COLUMN "operator" DROP NOT NULL,
        ALTER COLUMN "threshold" DROP NOT NULL,
        ADD CONSTRAINT "alert_events_kind_fields" CHECK (
          ("kind" = 'metric' AND "server_id" IS NOT NULL AND "rule_id" IS NOT NULL AND "metric" IS NOT NULL
            AND "operator" IS NOT NULL AND "threshold" IS NOT NULL AND "schedule_id" IS NULL)
          OR ("kind" = 'backup_missed' AND "schedule_id" IS NOT NULL AND "server_id" IS NULL AND "rule_id" IS NULL
            AND "metric" IS NULL AND "operator" IS NULL AND "threshold" IS NULL))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "alert_events_one_open_per_schedule" ON "alert_events" ("schedule_id") WHERE "resolved_at" IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "alert_events" WHERE "kind" <> 'metric'`);
    await queryRunner.query(`DROP INDEX "alert_events_one_open_per_schedule"`);
    await queryRunner.query(`
      ALTER TABLE "alert_events"
        DROP CONSTRAINT "alert_events_kind_fields",
        DROP COLUMN "schedule_id",
        DROP COLUMN "kind",
        ALTER COLUMN "server_id" SET NOT NULL,
        ALTER COLUMN "rule_id" SET NOT NULL,
        ALTER COLUMN "metric" SET NOT NULL,
        ALTER COLUMN "operator" SET NOT NULL,
        ALTER COLUMN "threshold" SET NOT NULL`);
  }
}
