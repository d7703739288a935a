import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  AuditAction,
  DEPLOYMENT_LOG_PAGE,
  type DeploymentDto,
  type DeploymentLiveEvent,
  type DeploymentLogPage,
  type DeploymentTrigger,
  ErrorCode,
  type FieldError,
  LiveTopics,
  type PageQuery,
  type Paginated,
} from '@zpanel/contracts';
import { AppException, InjectLogger, imageReferenceWithTag } from '@zpanel/core';
import {
  type ApplicationEntity,
  ApplicationsRepository,
  type DeploymentEntity,
  DeploymentsRepository,
  NotificationPlacesRepository,
  type TeamScope,
  UsersRepository,
  deploymentCancelledEvent,
} from '@zpanel/database';
import { JobProducer, LiveStreams, enqueueDeployment } from '@zpanel/queue';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { NotificationRecorder } from '../notifications/notification-recorder.service';
import type { Caller } from '../access/caller';
import { pageWindow, paginated } from '../http/pagination';

export function toDeploymentDto(r: DeploymentEntity): DeploymentDto {
  const unfinished = r.status === 'queued' || r.status === 'running';
  return {
    id: r.id,
    teamId: r.teamId,
    applicationId: r.applicationId,
    status: r.status,
    trigger: r.trigger,
    commitSha: r.commitSha,
    gitTag: r.gitTag,
    sourceDeploymentId: r.sourceDeploymentId,
    imageTag: r.imageTag,
    requestedImageTag: r.requestedImageTag,
    containerName: r.containerName,
    step: r.step,
    reason: r.reason,
    reasonCode: r.reasonCode,
    cancelRequested: r.cancelRequestedAt !== null && unfinished,
    imageKept: r.status === 'success' && r.imageTag !== null && r.imagePrunedAt === null,
    actor: {
      type: r.tokenId ? 'token' : 'user',
      userId: r.userId,
      tokenId: r.tokenId,
      name: r.actorName,
    },
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}

/** What a deployment is asked for with; `create` is the one way any caller (UI, API, webhook, rollback) starts one. */
export interface DeploymentRequest {
  trigger: DeploymentTrigger;
  commit?: string;
  /** Image build pack: run the image reference with this tag instead of its own (e.g. what CI pushed). */
  imageTag?: string;
  /** A webhook tag push: fetch this tag (already checked) instead of the branch. */
  tag?: string;
  /** Rollback: run this deployment's kept image again, without a build. */
  source?: DeploymentEntity;
  /** Who asked when no person or token did (a verified webhook delivery), e.g. "GitHub webhook". */
  actorName?: string;
}

/**
 * Why the application cannot be deployed as asked, by field (empty: it can). `commit` picks what git
 * builds, `imageTag` what image runs: each only for its build pack, and never both. The tag must also
 * make a valid reference with the application's own (the worker checks that again before use).
 */
export function deploymentRequestProblems(
  application: Pick<ApplicationEntity, 'buildPack' | 'imageReference'>,
  request: Pick<DeploymentRequest, 'commit' | 'imageTag'>,
): FieldError[] {
  if (request.commit !== undefined && request.imageTag !== undefined) {
    return [
      {
        field: 'imageTag',
        message: 'imageTag cannot be sent together with commit: send commit for an application built from git, imageTag for one that runs an image',
      },
    ];
  }
  if (request.commit !== undefined && application.buildPack !== 'dockerfile') {
    return [{ field: 'commit', message: 'commit applies to applications built from a git repository (dockerfile build pack) only' }];
  }
  if (request.imageTag === undefined) return [];
  if (application.buildPack !== 'image' || !application.imageReference) {
    return [{ field: 'imageTag', message: 'imageTag applies to applications that run an image (image build pack) only' }];
  }
  try {
    imageReferenceWithTag(application.imageReference, request.imageTag);
    return [];
  } catch (error) {
    return [{ field: 'imageTag', message: `imageTag cannot be used: ${(error as Error).message}` }];
  }
}

/**
 * Deployments: the API stores the row and queues it; the worker runs it. Callers are authorized on
 * the application (or the deployment's team) before any method here is called.
 */
@Injectable()
export class DeploymentsService {
  private readonly logger: Logger;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly applications: ApplicationsRepository,
    private readonly deployments: DeploymentsRepository,
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
    private readonly jobs: JobProducer,
    private readonly live: LiveStreams,
    @InjectLogger() logger: Logger,
    private readonly places: NotificationPlacesRepository,
    private readonly notifications: NotificationRecorder,
  ) {
    this.logger = logger.child({ component: 'deployments' });
  }

  /**
   * Creates the `queued` row and queues it. In one transaction holding the application's row lock,
   * still-queued deployments of the application become `superseded`: of two requests racing, the
   * later one wins and exactly one deployment stays queued.
   */
  async create(caller: Caller | null, team: TeamScope, applicationId: string, request: DeploymentRequest): Promise<DeploymentDto> {
    const person = caller ? await this.users.findById(caller.userId) : null;
    const { row, superseded } = await this.dataSource.transaction(async (manager) => {
      const application = await this.applications.in(manager).getLocked(team, applicationId);
      const problems = deploymentRequestProblems(application, request);
      if (problems.length > 0) throw AppException.validation(problems);
      const { row: saved, superseded } = await this.deployments.in(manager).queue(team, {
        applicationId,
        trigger: request.trigger,
        commitSha: request.source?.commitSha ?? request.commit ?? null,
        gitTag: request.source?.gitTag ?? request.tag ?? null,
        sourceDeploymentId: request.source?.id ?? null,
        imageTag: request.source?.imageTag ?? null,
        requestedImageTag: request.source ? request.source.requestedImageTag : (request.imageTag ?? null),
        userId: caller?.userId ?? null,
        tokenId: caller?.kind === 'token' ? caller.tokenId : null,
        actorName: person?.name ?? request.actorName ?? 'unknown',
      });
      const action = request.trigger === 'rollback' ? AuditAction.DeploymentRolledBack : AuditAction.DeploymentCreated;
      await this.audit.record(
        {
          action,
          teamId: team.teamId,
          actor: caller,
          target: { type: 'application', id: applicationId },
          metadata: {
            deploymentId: saved.id,
            trigger: saved.trigger,
            commit: saved.commitSha,
            ...(saved.requestedImageTag ? { imageTag: saved.requestedImageTag } : {}),
            ...(request.source ? { sourceDeploymentId: request.source.id } : {}),
          },
        },
        manager,
      );
      return { row: saved, superseded };
    });

    for (const id of superseded) {
      await this.sendStatus(id, {
        type: 'status',
        status: 'superseded',
        step: 'queued',
        reason: `Superseded by a newer deployment (${row.id}) before it started.`,
        reasonCode: 'deployment.superseded',
      });
    }
    // Read before the job exists: the answer is the deployment as queued, not whatever a fast worker made of it already.
    const queued = await this.get(team, row.id);
    try {
      await enqueueDeployment(this.jobs, row.id);
    } catch (error) {
      // The row is the truth: the worker's reaper queues a deployment whose job never made it to Redis.
      this.logger.warn({ err: error, deploymentId: row.id }, 'deployment not queued yet; the reaper will queue it');
    }
    return queued;
  }

  /** A rollback: only a successful deployment whose image is still kept, of the same application. */
  async rollback(caller: Caller, team: TeamScope, deploymentId: string): Promise<DeploymentDto> {
    const source = await this.deployments.get(team, deploymentId);
    if (source.status !== 'success' || source.imageTag === null) {
      throw new AppException(ErrorCode.Conflict, `Only a successful deployment can be rolled back to (this one is ${source.status})`);
    }
    // By tag too: a rollback ran its source's image, and a row marked before that was known may still say kept.
    const gone = source.imagePrunedAt !== null || (await this.deployments.imagePrunedElsewhere(team, source.applicationId, source.imageTag));
    if (gone) {
      throw new AppException(ErrorCode.Conflict, 'The image of this deployment is no longer kept on the server (raise keepImages to keep more)');
    }
    return this.create(caller, team, source.applicationId, { trigger: 'rollback', source });
  }

  async list(team: TeamScope, applicationId: string, query: PageQuery): Promise<Paginated<DeploymentDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.deployments.pageOfApplication(team, applicationId, { skip: window.skip, take: window.perPage });
    return paginated(rows.map(toDeploymentDto), total, window);
  }

  async get(team: TeamScope, deploymentId: string): Promise<DeploymentDto> {
    return toDeploymentDto(await this.deployments.get(team, deploymentId));
  }

  /**
   * A queued deployment is cancelled at once (the worker will skip it); a running one is flagged, and
   * the worker running it stops the build or removes the new container within about a second. In one
   * statement, so a deployment the worker claims meanwhile is flagged rather than marked cancelled
   * behind the worker's back.
   */
  async cancel(caller: Caller, team: TeamScope, deploymentId: string): Promise<DeploymentDto> {
    const updated = await this.dataSource.transaction(async (manager) => {
      const row = await this.deployments.in(manager).requestCancel(team, deploymentId);
      if (!row) {
        const current = await this.get(team, deploymentId);
        throw new AppException(ErrorCode.Conflict, `The deployment already finished (${current.status})`);
      }
      await this.audit.record(
        {
          action: AuditAction.DeploymentCancelled,
          teamId: team.teamId,
          actor: caller,
          target: { type: 'application', id: row.applicationId },
          metadata: { deploymentId },
        },
        manager,
      );
      return row;
    });
    // No worker will touch a cancelled queued deployment again: the API ends its live status itself.
    if (updated.status === 'cancelled')
      await this.sendStatus(deploymentId, {
        type: 'status',
        status: 'cancelled',
        step: 'queued',
        reason: 'Cancelled before it started.',
        reasonCode: 'deployment.cancelled',
      });
    const row = await this.deployments.get(team, deploymentId);
    if (updated.status === 'cancelled') await this.notifyCancelled(row);
    return toDeploymentDto(row);
  }

  /** A queued deployment the API cancelled: no worker will report it, so the API tells the team (docs/notifications.md, "Events"). */
  private async notifyCancelled(row: DeploymentEntity): Promise<void> {
    try {
      const place = await this.places.application(row.applicationId);
      if (place) await this.notifications.record(deploymentCancelledEvent(place, { ...row, step: 'queued' }));
    } catch (error) {
      this.logger.warn({ err: error, deploymentId: row.id }, 'cancelled deployment not notified');
    }
  }

  /** Stored lines after `afterSeq`, oldest first. */
  async logs(team: TeamScope, deploymentId: string, afterSeq = 0, limit: number = DEPLOYMENT_LOG_PAGE.defaultLimit): Promise<DeploymentLogPage> {
    const rows = await this.deployments.logLines(team, deploymentId, afterSeq, limit + 1);
    const lines = rows.slice(0, limit);
    return { lines, lastSeq: lines.length ? lines[lines.length - 1].seq : afterSeq, hasMore: rows.length > limit };
  }

  /**
   * The whole log as text, read page by page as the client takes it: memory stays flat however long
   * the log is. Lines come out as stored (already redacted), one per text line.
   */
  download(team: TeamScope, deploymentId: string): Readable {
    const logs = (afterSeq: number, limit: number) => this.logs(team, deploymentId, afterSeq, limit);
    async function* lines(): AsyncGenerator<string> {
      let afterSeq = 0;
      for (;;) {
        const page = await logs(afterSeq, DEPLOYMENT_LOG_PAGE.maxLimit);
        if (page.lines.length > 0) yield page.lines.map((l) => `${l.line}\n`).join('');
        if (!page.hasMore) return;
        afterSeq = page.lastSeq;
      }
    }
    return Readable.from(lines());
  }

  private async sendStatus(deploymentId: string, event: DeploymentLiveEvent): Promise<void> {
    await this.live.append(LiveTopics.deploymentLogs(deploymentId), event).catch((error: unknown) => {
      this.logger.warn({ err: error, deploymentId }, 'deployment status not sent live');
    });
  }
}
