import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tag pushes that deploy: which tags, per application, and the tag a deployment built. */
export class TagDeploys1795401400000 implements MigrationInterface {
  name = 'TagDeploys1795401400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // A glob over tag names; null: tag pushes do not deploy.
    await queryRunner.query(`ALTER TABLE "applications" ADD COLUMN "deploy_tags" text CHECK (length("deploy_tags") BETWEEN 1 AND 100)`);
    // The worker fetches refs/tags/<git_tag> instead of cloning the branch.
    await queryRunner.query(`ALTER TABLE "deployments" ADD COLUMN "git_tag" text CHECK (length("git_tag") BETWEEN 1 AND 255)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "deployments" DROP COLUMN "git_tag"`);
    await queryRunner.query(`ALTER TABLE "applications" DROP COLUMN "deploy_tags"`);
  }
}
