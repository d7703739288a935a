import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Preview deployments (docs/architecture.md "Previews"). A preview is an application row of its own (so the pipeline,
 * proxy routes, deployments, logs and clean-up apply unchanged), tied to the application it previews
 * and to one pull request; its settings are read from that application at each deployment.
 */
export class PreviewDeployments1795401200000 implements MigrationInterface {
  name = 'PreviewDeployments1795401200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "applications" ADD COLUMN "previews_enabled" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(
      `ALTER TABLE "applications" ADD COLUMN "preview_domain" text CHECK ("preview_domain" = lower("preview_domain") AND length("preview_domain") <= 238)`,
    );
    await queryRunner.query(`ALTER TABLE "applications" ADD COLUMN "preview_forks" boolean NOT NULL DEFAULT false`);
    // The preview's own columns: whose preview it is and of which pull request.
    await queryRunner.query(`ALTER TABLE "applications" ADD COLUMN "preview_of_id" uuid REFERENCES "applications" ("id") ON DELETE CASCADE`);
    await queryRunner.query(`ALTER TABLE "applications" ADD COLUMN "preview_number" integer CHECK ("preview_number" > 0)`);
    await queryRunner.query(
      `ALTER TABLE "applications" ADD COLUMN "preview_provider" text CHECK ("preview_provider" IN ('github', 'gitlab', 'gitea'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "applications" ADD COLUMN "preview_ref" text CHECK ("preview_ref" ~ '^refs/(pull|merge-requests)/[1-9][0-9]{0,9}/head$')`,
    );
    await queryRunner.query(`ALTER TABLE "applications" ADD COLUMN "preview_title" text CHECK (length("preview_title") <= 300)`);
    await queryRunner.query(`ALTER TABLE "applications" ADD COLUMN "preview_link" text CHECK (length("preview_link") <= 2000)`);
    await queryRunner.query(`ALTER TABLE "applications" ADD COLUMN "preview_head_branch" text CHECK (length("preview_head_branch") <= 255)`);
    await queryRunner.query(`ALTER TABLE "applications" ADD COLUMN "preview_fork" boolean`);
    await queryRunner.query(`ALTER TABLE "applications" ADD COLUMN "preview_commit" text CHECK ("preview_commit" ~ '^[0-9a-f]{7,40}$')`);
    await queryRunner.query(`
      ALTER TABLE "applications" ADD CONSTRAINT "applications_preview_columns" CHECK (
        ("preview_of_id" IS NULL) = ("preview_number" IS NULL)
        AND ("preview_of_id" IS NULL) = ("preview_ref" IS NULL)
        AND ("preview_of_id" IS NULL) = ("preview_provider" IS NULL)
        AND ("preview_of_id" IS NULL OR NOT "previews_enabled")
      )`);
    // One preview per pull request of an application; a redelivered "opened" finds it.
    await queryRunner.query(
      `CREATE UNIQUE INDEX "applications_preview_key" ON "applications" ("preview_of_id", "preview_number") WHERE "preview_of_id" IS NOT NULL`,
    );

    // A preview's variable overrides belong to the application they preview (scope `preview`).
    await queryRunner.query(`ALTER TABLE "env_vars" ADD COLUMN "preview" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "env_vars" ADD CONSTRAINT "env_vars_preview_owner" CHECK (NOT "preview" OR "application_id" IS NOT NULL)`);
    await queryRunner.query(`DROP INDEX "env_vars_application_key"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "env_vars_application_key" ON "env_vars" ("application_id", "preview", "key") WHERE "application_id" IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "env_vars" WHERE "preview"`);
    await queryRunner.query(`DROP INDEX "env_vars_application_key"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "env_vars_application_key" ON "env_vars" ("application_id", "key") WHERE "application_id" IS NOT NULL`,
    );
    await queryRunner.query(`ALTER TABLE "env_vars" DROP CONSTRAINT "env_vars_preview_owner"`);
    await queryRunner.query(`ALTER TABLE "env_vars" DROP COLUMN "preview"`);
    await queryRunner.query(`DELETE FROM "applications" WHERE "preview_of_id" IS NOT NULL`);
    await queryRunner.query(`DROP INDEX "applications_preview_key"`);
    await queryRunner.query(`ALTER TABLE "applications" DROP CONSTRAINT "applications_preview_columns"`);
    for (const column of [
      'preview_commit',
      'preview_fork',
      'preview_head_branch',
      'preview_link',
      'preview_title',
      'preview_ref',
      'preview_provider',
      'preview_number',
      'preview_of_id',
      'preview_forks',
      'preview_domain',
      'previews_enabled',
    ]) {
      await queryRunner.query(`ALTER TABLE "applications" DROP COLUMN "${column}"`);
    }
  }
}
