import type { DeploymentLogLine, DeploymentLogStream, DeploymentStep } from '@zpanel/contracts';
import { type EntityTarget, In, IsNull, Not } from 'typeorm';
import { DeploymentEntity } from '../entities';
import { type PageWindow, TeamOwnedRepository } from './entity-repository';
import { cancelRequest } from './run-rows';
import type { TeamScope } from './team-scope';

/** What a new deployment row says; the rest (status, step, times) the repository sets. */
export type QueuedDeployment = Pick<
  DeploymentEntity,
  'applicationId' | 'trigger' | 'commitSha' | 'gitTag' | 'sourceDeploymentId' | 'imageTag' | 'requestedImageTag' | 'userId' | 'tokenId' | 'actorName'
>;

/** A deployment the cancel request found unfinished, with its status afterwards. */
export interface CancelRequested {
  status: string;
  applicationId: string;
}

interface LogRow {
  seq: string;
  ts: Date;
  stream: DeploymentLogStream;
  line: string;
}

/** Deployments (the run lease moves them between statuses) and their stored log lines. */
export class DeploymentsRepository extends TeamOwnedRepository<DeploymentEntity> {
  protected readonly target: EntityTarget<DeploymentEntity> = DeploymentEntity;
  readonly noun = 'deployment';

  /**
   * Stores the `queued` row; deployments of the application still queued become `superseded`
   * (their ids returned). The caller holds the application's row lock in the same transaction.
   */
  async queue(team: TeamScope, fields: QueuedDeployment): Promise<{ row: DeploymentEntity; superseded: string[] }> {
    const row = await this.rows.save(this.rows.create({ ...fields, teamId: team.teamId, status: 'queued', step: 'queued' }));
    const result = await this.rows
      .createQueryBuilder()
      .update()
      .set({
        status: 'superseded',
        step: 'queued',
        finishedAt: () => 'now()',
        reason: `Superseded by a newer deployment (${row.id}) before it started.`,
        reasonCode: 'deployment.superseded',
      })
      .where(`application_id = :applicationId AND team_id = :teamId AND status = 'queued' AND id <> :id`, {
        applicationId: fields.applicationId,
        teamId: team.teamId,
        id: row.id,
      })
      .returning(['id'])
      .execute();
    return { row, superseded: (result.raw as { id: string }[]).map((r) => r.id) };
  }

  /** Whether another deployment of the application that ran this image is marked pruned (a rollback runs its source's image). */
  imagePrunedElsewhere(team: TeamScope, applicationId: string, imageTag: string): Promise<boolean> {
    return this.rows.existsBy(this.scoped(team, { applicationId, imageTag, imagePrunedAt: Not(IsNull()) }));
  }

  pageOfApplication(team: TeamScope, applicationId: string, window: PageWindow): Promise<[DeploymentEntity[], number]> {
    return this.page(team, window, { createdAt: 'DESC', id: 'DESC' }, { applicationId });
  }

  /** Cancels a queued deployment at once and flags a running one (see cancelRequest); null when it already finished. */
  async requestCancel(team: TeamScope, id: string): Promise<CancelRequested | null> {
    const result = await this.rows
      .createQueryBuilder()
      .update()
      .set(cancelRequest({ reason: ['reason', 'Cancelled before it started.'], reasonCode: ['reason_code', 'deployment.cancelled'] }))
      .where(`id = :id AND team_id = :teamId AND status IN ('queued', 'running')`, { id, teamId: team.teamId })
      // Property names: TypeORM drops a column name it does not know as a property, the raw row is keyed by column.
      .returning(['status', 'applicationId'])
      .execute();
    const row = (result.raw as { status: string; application_id: string }[])[0];
    return row ? { status: row.status, applicationId: row.application_id } : null;
  }

  /** Stored lines after `afterSeq`, oldest first, at most `limit`. */
  async logLines(team: TeamScope, deploymentId: string, afterSeq: number, limit: number): Promise<DeploymentLogLine[]> {
    const rows: LogRow[] = await this.manager.query(
      `SELECT l."seq", l."ts", l."stream", l."line" FROM "deployment_logs" l
        WHERE l."deployment_id" = $1 AND l."seq" > $2
          AND EXISTS (SELECT 1 FROM "deployments" d WHERE d."id" = $1 AND d."team_id" = $4)
        ORDER BY l."seq" LIMIT $3`,
      [deploymentId, afterSeq, limit, team.teamId],
    );
    return rows.map((r) => ({ seq: Number(r.seq), ts: r.ts.toISOString(), stream: r.stream, line: r.line }));
  }

  /** The newest deployment of each application. */
  async latestOf(team: TeamScope, applicationIds: string[]): Promise<Map<string, DeploymentEntity>> {
    const latest = new Map<string, DeploymentEntity>();
    if (applicationIds.length === 0) return latest;
    const newest = (await this.rows
      .createQueryBuilder('d')
      .distinctOn(['d.application_id'])
      .where('d.application_id IN (:...ids) AND d.team_id = :teamId', { ids: applicationIds, teamId: team.teamId })
      .orderBy('d.application_id')
      .addOrderBy('d.created_at', 'DESC')
      .addOrderBy('d.id', 'DESC')
      .getMany()) as DeploymentEntity[];
    for (const d of newest) latest.set(d.applicationId, d);
    return latest;
  }

  /** The application of each deployment (a pull request's deployment belongs to its preview). */
  async applicationsOf(team: TeamScope, deploymentIds: string[]): Promise<Map<string, string>> {
    if (deploymentIds.length === 0) return new Map();
    const rows = await this.rows.find({ where: this.scoped(team, { id: In(deploymentIds) }), select: { id: true, applicationId: true } });
    return new Map(rows.map((d) => [d.id, d.applicationId]));
  }

  // The worker's side: a job names a deployment the API already stored and checked.

  /** Whether the deployment still waits to run (false: it finished, was cancelled or is gone). */
  async isQueued(id: string): Promise<boolean> {
    const row = await this.rows.findOne({ where: { id }, select: { id: true, status: true } });
    return row?.status === 'queued';
  }

  async enterStep(id: string, step: DeploymentStep): Promise<void> {
    await this.rows.update({ id, status: 'running' }, { step });
  }

  /** Marks the application's deployments that ran these images as pruned (by tag: a rollback ran its source's image, and is gone with it). */
  async markImagesPruned(applicationId: string, imageTags: string[]): Promise<void> {
    if (imageTags.length === 0) return;
    await this.rows.update({ imageTag: In(imageTags), applicationId, imagePrunedAt: IsNull() }, { imagePrunedAt: () => 'now()' });
  }

  /** The images that were live, newest first: what retention keeps (enough rows for keepImages' maximum, with repeats). */
  async liveHistory(deployment: Pick<DeploymentEntity, 'id' | 'applicationId'>): Promise<{ deploymentId: string; imageTag: string }[]> {
    const rows = await this.rows.find({
      where: { applicationId: deployment.applicationId, status: 'success', imageTag: Not(IsNull()), id: Not(deployment.id) },
      select: { id: true, imageTag: true, finishedAt: true },
      order: { finishedAt: { direction: 'DESC', nulls: 'LAST' }, createdAt: 'DESC' },
      take: 500,
    });
    return rows.map((r) => ({ deploymentId: r.id, imageTag: r.imageTag as string }));
  }
}
