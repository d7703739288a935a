import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DeploymentStatus, type DeploymentStep, JobName, type JobPayload, type JobResult } from '@zpanel/contracts';
import { AddressPolicy, type AppConfig, InjectConfig, InjectLogger, ReasonError, SecretBox, reasonOf, zpanelDockerNames } from '@zpanel/core';
import {
  ApplicationMountsRepository,
  ApplicationsRepository,
  DatabasesRepository,
  type DeploymentEntity,
  DeploymentsRepository,
  EnvVarsRepository,
  SshKeysRepository,
  teamScope,
} from '@zpanel/database';
import { HandlesJob, type JobContext, type JobHandler, WORKER_ID } from '@zpanel/queue';
import { releaseDocker } from '@zpanel/remote';
import type Docker from 'dockerode';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ServerTargets } from '../servers/server-targets';
import { WorkerSshPool } from '../servers/ssh-pool.provider';
import { cleanUpApplication } from './application-cleanup';
import { BuildSlots, type HeldBuildSlot } from './build-slots';
import { DeploymentEvents } from './deployment-events';
import { DeploymentLog, Redactor } from './deployment-log';
import { type DeploymentInput, DeploymentInputs, UnresolvedReferenceError } from './deployment-inputs';
import { DeploymentPipeline, type PipelineResult } from './deployment-pipeline';
import { EventNotifications } from '../notifications/event-notifications';
import { DockerDeploymentOps, SshHealthProber } from './docker-deployment-ops';
import { GitSourceFetcher, type SourceFetcher } from './git-source';
import { DEPLOYMENT_RUNS, type HeldRun, type LeaseTimings, RunLease, RunLeaseStore } from '../run-lease';

export interface DeploymentTimings extends LeaseTimings {
  /** How often a deployment waiting for its application's running one checks again. */
  waitPollMs: number;
  /**
   * How long a log line waits for others to share its write (one INSERT and one stream append per
   * batch, so at most 40 writes a second per deployment). Viewers see a line this long after the
   * worker got it, plus delivery: with 100 ms the p99 from worker to 200 socket clients was 114 ms,
   * over the 100 ms target (npm run bench); with 25 ms, 84 ms on the same busy machine.
   */
  logBatchMs: number;
  drainMs: number;
}

/** heartbeatMs is RUN_HEARTBEAT_MS's (the reaper fails deployments silent for RUN_LEASE_TTL_MS). */
export const DEPLOYMENT_TIMINGS: DeploymentTimings = { heartbeatMs: 3_000, cancelPollMs: 1_000, waitPollMs: 1_000, logBatchMs: 25, drainMs: 1_000 };

const PG_UNIQUE_VIOLATION = '23505';

/** What a person reads when the deployment failed outside its steps for a reason not meant for them (the worker log has the error). */
export const INTERNAL_FAILURE = {
  code: 'deployment.internal',
  reason: 'Zpanel could not run the deployment (an internal error; see the worker log).',
} as const;

type Claim = 'claimed' | 'finished' | 'busy';

/** What one run holds until it ends: its lease, its build slot while it has one, its log, and its server connection. */
interface RunHolds {
  lease: HeldRun;
  slot?: HeldBuildSlot;
  log?: DeploymentLog;
  docker?: Docker;
  releaseTarget?: () => void;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs one deployment: claims the row (queued -> running, at most one running per application:
 * the others wait their turn), heartbeats, honours cancel, the deployment timeout and worker stop,
 * runs the pipeline against the application's server over the pooled SSH connection, and records
 * the outcome with a log line and a live status.
 */
@Injectable()
@HandlesJob(JobName.DeploymentRun)
export class DeploymentRunHandler implements JobHandler<JobName.DeploymentRun> {
  private readonly logger: Logger;
  /** Replaced by tests that cannot wait for real heartbeats. */
  timings: DeploymentTimings;
  source: SourceFetcher;
  private readonly lease: RunLease;
  private readonly inputs: DeploymentInputs;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly applications: ApplicationsRepository,
    private readonly deployments: DeploymentsRepository,
    variables: EnvVarsRepository,
    sshKeys: SshKeysRepository,
    databases: DatabasesRepository,
    private readonly targets: ServerTargets,
    private readonly pool: WorkerSshPool,
    private readonly events: DeploymentEvents,
    private readonly slots: BuildSlots,
    @InjectConfig() private readonly config: AppConfig,
    box: SecretBox,
    @Inject(WORKER_ID) private readonly workerId: string,
    @InjectLogger() logger: Logger,
    mounts: ApplicationMountsRepository,
    private readonly notifications: EventNotifications,
  ) {
    this.logger = logger.child({ component: 'deployments' });
    this.source = new GitSourceFetcher(new AddressPolicy(config.network));
    this.timings = { ...DEPLOYMENT_TIMINGS, heartbeatMs: config.runs.heartbeatMs };
    this.inputs = new DeploymentInputs(
      applications,
      deployments,
      variables,
      sshKeys,
      databases,
      zpanelDockerNames(config.docker.namespace),
      box,
      mounts,
    );
    this.lease = new RunLease(new RunLeaseStore(dataSource, DEPLOYMENT_RUNS), workerId, () => this.timings, this.logger, DEPLOYMENT_RUNS.whenGone);
  }

  async handle({ deploymentId }: JobPayload<JobName.DeploymentRun>, context: JobContext): Promise<JobResult<JobName.DeploymentRun>> {
    const enqueuedAt = Date.now();
    if (!(await this.waitForClaim(deploymentId, context.signal))) return { ran: false };
    const deployment = await this.deployments.findByIdAcrossTeams(deploymentId);
    if (!deployment) throw new Error(`Deployment ${deploymentId} is gone`);
    this.logger.info({ deploymentId, claimMs: Date.now() - enqueuedAt }, 'deployment claimed');
    await this.events.status(deploymentId, 'running', deployment.step, null);
    await this.notifications.deploymentStarted(deployment.applicationId, deployment);

    const result = await this.run(deployment, context.signal);
    await this.finish(deployment, result);
    this.logger.info({ deploymentId, status: result.status, step: result.step, ms: Date.now() - enqueuedAt }, 'deployment finished');
    return { ran: true, status: result.status as DeploymentStatus };
  }

  /**
   * Runs the claimed deployment under its lease to a result: a failure outside the pipeline's
   * steps is a result too. What the run held (lease, server connection, log) is let go before it returns.
   */
  private async run(deployment: DeploymentEntity, workerSignal: AbortSignal): Promise<PipelineResult> {
    const holds: RunHolds = {
      lease: this.lease.hold(deployment.id, {
        workerSignal,
        timeoutMs: this.config.deployments.timeoutMs,
        onBeat: async () => holds.slot?.refresh(),
      }),
    };
    try {
      return await this.runPipeline(deployment, await this.inputs.load(deployment), holds);
    } catch (error) {
      if (error instanceof UnresolvedReferenceError) {
        // Reading what to deploy is the source step's; nothing ran on the server, so the running
        // version keeps serving. The reason names keys and databases only, nothing to redact.
        holds.log ??= this.openLog(deployment.id, []);
        return this.failedResult(deployment, error, holds.log, 'source');
      }
      return this.failedResult(deployment, error, holds.log);
    } finally {
      holds.lease.release();
      if (holds.docker) releaseDocker(holds.docker);
      holds.releaseTarget?.();
      await holds.log?.flush();
    }
  }

  /** The deployment's log (its secrets redacted) and the pipeline against the application's server, each recorded in `holds` for `run` to let go. */
  private async runPipeline(deployment: DeploymentEntity, input: DeploymentInput, holds: RunHolds): Promise<PipelineResult> {
    const deploymentId = deployment.id;
    const log = this.openLog(deploymentId, input.secrets);
    holds.log = log;
    const loaded = await this.targets.load(input.serverId);
    if (!loaded) throw new ReasonError('deployment.server_gone', 'The server of the application no longer exists.');
    log.system(`==> Deployment ${deploymentId} of ${input.pipeline.application.name} (${deployment.trigger}) on ${loaded.server.name}`);
    const names = zpanelDockerNames(this.config.docker.namespace);
    const target = loaded.target;
    holds.releaseTarget = this.pool.hold(target);
    holds.docker = this.pool.docker(target);
    const ops = new DockerDeploymentOps(holds.docker, names, input.pipeline.application.id, this.pool.shell(target));
    input.pipeline.allowedBindRoots = loaded.server.allowedBindRoots;
    input.pipeline.teamId = deployment.teamId;
    const pipeline = new DeploymentPipeline({
      names,
      ops,
      source: this.source,
      health: new SshHealthProber((host, port) => this.pool.openTcpStream(target, host, port), names.appAlias(input.pipeline.application.name)),
      log,
      enterStep: (step) => this.enterStep(deploymentId, step),
      // Only while nothing is pinned: a key forgotten and relearned meanwhile, or pinned by a concurrent first deployment, stays.
      pinGitHostKey: async (knownHosts) => {
        // A preview pins on the application it previews (the same repository).
        await this.applications.pinGitHostKey(teamScope(deployment.teamId), input.settingsId, knownHosts);
      },
      acquireBuildSlot: async () => {
        holds.slot = await this.slots.acquire(input.serverId, deploymentId, holds.lease.signal);
        const taken = holds.slot;
        return async () => {
          holds.slot = undefined;
          await taken.release().catch(() => undefined);
        };
      },
      signal: holds.lease.signal,
      sleep,
      drainMs: this.timings.drainMs,
    });
    const result = await pipeline.run(input.pipeline);
    await this.cleanUpIfDeleted(deployment, ops, input.pipeline.application.stopGraceSeconds);
    return result;
  }

  /** The deployment's log, with these secrets redacted from every line. */
  private openLog(deploymentId: string, secrets: string[]): DeploymentLog {
    return new DeploymentLog(this.events.sink(deploymentId), new Redactor(secrets), {
      batchMs: this.timings.logBatchMs,
      onError: (error) => this.logger.warn({ err: error, deploymentId }, 'deployment log batch not written'),
    });
  }

  /** The database, the key store or the server's row failed, not a step: still a finished deployment, failed at the step it was in. */
  private failedResult(deployment: DeploymentEntity, error: unknown, log: DeploymentLog | undefined, step = deployment.step): PipelineResult {
    this.logger.error({ err: error, deploymentId: deployment.id }, 'deployment failed unexpectedly');
    const { code, reason } = reasonOf(error, INTERNAL_FAILURE);
    log?.system(`==> Failed: ${reason}`);
    return {
      status: 'failed',
      step,
      reason,
      reasonCode: code,
      commitSha: deployment.commitSha,
      imageTag: null,
      containerName: null,
      prunedImageTags: [],
    };
  }

  /** Records the result on the row (unless the run lost its lease) and the images the pipeline pruned, and tells viewers. */
  private async finish(deployment: DeploymentEntity, result: PipelineResult): Promise<void> {
    // False: the reaper already failed it (this worker looked dead) or the application was deleted.
    const finished = await this.lease.finish(deployment.id, {
      status: result.status,
      step: result.step,
      reason: result.reason,
      reasonCode: result.reasonCode,
      commitSha: result.commitSha,
      imageTag: result.imageTag,
      containerName: result.containerName,
    });
    await this.deployments.markImagesPruned(deployment.applicationId, result.prunedImageTags);
    // It read the application's variables after its claim: what a redeploy was asked for before then is now live.
    if (finished && result.status === 'success' && deployment.startedAt)
      await this.applications.clearPendingRedeploy(teamScope(deployment.teamId), deployment.applicationId, deployment.startedAt);
    if (!finished) return;
    await this.events.status(deployment.id, result.status, result.step, result.reason, result.reasonCode);
    await this.notifications.deploymentFinished(deployment.applicationId, {
      ...deployment,
      status: result.status as DeploymentStatus,
      step: result.step,
      reason: result.reason,
      reasonCode: result.reasonCode,
      commitSha: result.commitSha,
    });
  }

  /**
   * Claims the deployment, waiting while another of its application runs; false when there is
   * nothing to run (finished, cancelled, deleted) or this worker stops first (the row stays queued
   * and the reaper queues it again).
   */
  private async waitForClaim(deploymentId: string, signal: AbortSignal): Promise<boolean> {
    let waitNoted = false;
    for (;;) {
      const claim = await this.claim(deploymentId);
      if (claim !== 'busy') return claim === 'claimed';
      if (signal.aborted) return false;
      if (!waitNoted) {
        waitNoted = true;
        this.logger.info({ deploymentId }, 'deployment waits for the running one of its application');
      }
      await sleep(this.timings.waitPollMs, signal);
    }
  }

  /**
   * Deleted while this ran (a closed pull request's preview, an application removed): its clean-up
   * may have run before this run's image or container existed, so what carries its labels goes now.
   */
  private async cleanUpIfDeleted(deployment: DeploymentEntity, ops: DockerDeploymentOps, stopGraceSeconds: number): Promise<void> {
    if (await this.applications.find(teamScope(deployment.teamId), deployment.applicationId)) return;
    const left = await cleanUpApplication(ops, stopGraceSeconds);
    this.logger.info(
      { deploymentId: deployment.id, applicationId: deployment.applicationId, ...left },
      'application deleted during its deployment: cleaned up after it',
    );
  }

  /** queued -> running in one statement, only while no other deployment of the application runs. */
  private async claim(deploymentId: string): Promise<Claim> {
    try {
      if (await this.lease.claim(deploymentId)) return 'claimed';
    } catch (error) {
      // Two workers claimed two deployments of one application at once: the index let one through.
      if ((error as { code?: string }).code !== PG_UNIQUE_VIOLATION) throw error;
    }
    return (await this.deployments.isQueued(deploymentId)) ? 'busy' : 'finished';
  }

  private async enterStep(deploymentId: string, step: DeploymentStep): Promise<void> {
    await this.deployments.enterStep(deploymentId, step);
    await this.events.status(deploymentId, 'running', step, null);
  }
}
