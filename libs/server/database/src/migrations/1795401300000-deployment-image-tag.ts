import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deploy by image tag from CI: the tag a deployment of an image-build-pack
 * application asked for, run in place of the reference's own tag. Docker's tag grammar is checked
 * here too, like the commit, so a row written some other way still holds nothing else.
 */
export class DeploymentImageTag1795401300000 implements MigrationInterface {
  name = 'DeploymentImageTag1795401300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "deployments" ADD COLUMN "requested_image_tag" text CHECK ("requested_image_tag" ~ '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "deployments" DROP COLUMN "requested_image_tag"`);
  }
}
