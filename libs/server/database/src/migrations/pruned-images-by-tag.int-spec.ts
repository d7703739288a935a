import { DeploymentEntity } from '../entities';
import { seedApplication, seedTeamWithServer, useMigratedDatabase } from '../testing';
import { PrunedImagesByTag1796616611279 } from './1796616611279-pruned-images-by-tag';

describe(PrunedImagesByTag1796616611279.name, () => {
  const db = useMigratedDatabase('pruned-tags-migration');

  it('marks the rollbacks that ran a pruned image, and nothing else', async () => {
    const team = await seedTeamWithServer(db.source);
    const { teamId } = team;
    const applicationId = (await seedApplication(db.source, team, { imageReference: 'nginx:1.27', port: 80, stopGraceSeconds: 1 })).id;
    const deployments = db.source.getRepository(DeploymentEntity);
    const row = (imageTag: string, pruned: boolean, trigger: 'manual' | 'rollback' = 'manual') =>
      deployments.save({
        teamId,
        applicationId,
        status: 'success' as const,
        trigger,
        step: 'done' as const,
        actorName: 'a',
        userId: null,
        tokenId: null,
        imageTag,
        imagePrunedAt: pruned ? new Date('2026-01-01T00:00:00Z') : null,
      });
    const built = await row('zp/web:one', true);
    const rolledBack = await row('zp/web:one', false, 'rollback');
    const other = await row('zp/web:two', false);

    const runner = db.source.createQueryRunner();
    try {
      await new PrunedImagesByTag1796616611279().up(runner);
    } finally {
      await runner.release();
    }

    const after = async (id: string) => (await deployments.findOneByOrFail({ id })).imagePrunedAt?.toISOString() ?? null;
    expect([await after(built.id), await after(rolledBack.id), await after(other.id)]).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T00:00:00.000Z',
      null,
    ]);
  });
});
