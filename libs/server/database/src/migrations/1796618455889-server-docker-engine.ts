import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two servers for one Docker host overwrote each other's proxy routes (and could share container
 * names). The Docker engine's own ID, read at validation, identifies the host whatever name or
 * address reaches it; it is unique in the instance, so a second server for the host fails validation.
 */
export class ServerDockerEngine1796618455889 implements MigrationInterface {
  name = 'ServerDockerEngine1796618455889';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "servers" ADD COLUMN "docker_engine_id" text`);
    await queryRunner.query(`CREATE UNIQUE INDEX "servers_docker_engine_id" ON "servers" ("docker_engine_id") WHERE "docker_engine_id" IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "servers_docker_engine_id"`);
    await queryRunner.query(`ALTER TABLE "servers" DROP COLUMN "docker_engine_id"`);
  }
}
