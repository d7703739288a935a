import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateInstance1795400000000 implements MigrationInterface {
  name = 'CreateInstance1795400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // `singleton` makes a second instance row impossible, not merely unlikely.
    await queryRunner.query(`
      CREATE TABLE "instance" (
        "id" uuid PRIMARY KEY,
        "singleton" boolean NOT NULL DEFAULT true UNIQUE CHECK ("singleton"),
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`INSERT INTO "instance" ("id") VALUES (gen_random_uuid())`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "instance"`);
  }
}
