import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A pruned image was marked on the deployment that built it only, not on the rollbacks that ran it
 * again (same image tag): those still said their image was kept. Marks them now; the worker marks by
 * tag from here on.
 */
export class PrunedImagesByTag1796616611279 implements MigrationInterface {
  name = 'PrunedImagesByTag1796616611279';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE "deployments" d SET "image_pruned_at" = s."image_pruned_at" FROM "deployments" s
       WHERE s."application_id" = d."application_id" AND s."image_tag" = d."image_tag" AND s."image_pruned_at" IS NOT NULL AND d."image_pruned_at" IS NULL`,
    );
  }

  async down(): Promise<void> {
    // Nothing to undo: the rows it marked ran an image that is gone.
  }
}
