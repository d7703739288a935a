import { ApplicationEntity, DeploymentEntity, EnvironmentEntity, ProjectEntity, ServerEntity, SshKeyEntity, TeamEntity } from '../entities';
import { useMigratedDatabase } from '../testing';
import { PrunedImagesByTag1796616611279 } from './1796616611279-pruned-images-by-tag';

describe(PrunedImagesByTag1796616611279.name, () => {
  const db = useMigratedDatabase('pruned-tags-migration');

  it('marks the rollbacks that ran a pruned image, and nothing else', async () => {
    const teamId = (await db.source.getRepository(TeamEntity).save({ name: 't' })).id;
    const keyId = (
      await db.source.getRepository(SshKeyEntity).save({ teamId, name: 'k', type: 't', privateKey: 'p', publicKey: 'p', fingerprint: 'f' })
    ).id;
    const serverId = (
      await db.source
        .getRepository(ServerEntity)
        .save({ teamId, name: 's', host: '192.0.2.1', port: 22, user: 'root', sshKeyId: keyId, description: '' })
    ).id;
    const projectId = (await db.source.getRepository(ProjectEntity).save({ teamId, name: 'p', description: '' })).id;
    const environmentId = (await db.source.getRepository(EnvironmentEntity).save({ teamId, projectId, name: 'production' })).id;
    const applicationId = (
      await db.source.getRepository(ApplicationEntity).save({
        teamId,
        projectId,
        environmentId,
        serverId,
        name: 'web',
        description: '',
        buildPack: 'image',
        gitUrl: null,
        gitBranch: null,
        deployKeyId: null,
        dockerfilePath: 'Dockerfile',
        buildTarget: null,
        baseDirectory: '.',
        imageReference: 'nginx:1.27',
        port: 80,
        healthCheck: { type: 'tcp', path: null, startPeriodSeconds: 0, intervalSeconds: 5, timeoutSeconds: 5, retries: 3 },
        restartPolicy: 'unless-stopped',
        cpuLimit: null,
        memoryLimitMb: null,
        stopGraceSeconds: 1,
        keepImages: 3,
      })
    ).id;
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
