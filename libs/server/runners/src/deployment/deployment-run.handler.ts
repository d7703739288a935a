import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DeploymentStatus, type DeploymentStep, JobName, type JobPayload, type JobResult } from '@zpanel/contracts';
import { AddressPolicy, type AppConfig, InjectConfig, InjectLogger, ReasonError, SecretBox, reasonOf, tagRef, zpanelDockerNames } from '@zpanel/core';
import {
  ApplicationsRepository,
  type DeploymentEntity,
  DeploymentsRepository,
  EnvVarsRepository,
  SshKeysRepository,
  envVarAad,
  gitTokenAad,
  sshKeyAad,
  teamScope,
} from '@zpanel/database';
import { HandlesJob, type JobContext, type JobHandler, WORKER_ID } from '@zpanel/queue';
import { releaseDocker } from '@zpanel/remote';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ServerTargets } from '../servers/server-targets';
import { WorkerSshPool } from '../servers/ssh-pool.provider';
import { cleanUpApplication } from './application-cleanup';
import { BuildSlots, type HeldBuildSlot } from './build-slots';
import { DeploymentEvents } from './deployment-events';
import { DeploymentLog, Redactor } from './deployment-log';
import { effectiveVariables } from './deployment-variables';
import { DeploymentPipeline, type PipelineInput, type PipelineResult } from './deployment-pipeline';
import { DockerDeploymentOps, SshHealthProber } from './docker-deployment-ops';
import { GitSourceFetcher, type SourceFetcher } from './git-source';
import { DEPLOYMENT_RUNS, type LeaseTimings, RunLease, RunLeaseStore } from '../run-lease';

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

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly applications: ApplicationsRepository,
    private readonly deployments: DeploymentsRepository,
    private readonly variables: EnvVarsRepository,
    private readonly sshKeys: SshKeysRepository,
    private readonly targets: ServerTargets,
    private readonly pool: WorkerSshPool,
    private readonly events: DeploymentEvents,
    private readonly slots: BuildSlots,
    @InjectConfig() private readonly config: AppConfig,
    private readonly box: SecretBox,
    @Inject(WORKER_ID) private readonly workerId: string,
    @InjectLogger() logger: Logger,
  ) {
    this.logger = logger.child({ component: 'deployments' });
    this.source = new GitSourceFetcher(new AddressPolicy(config.network));
    this.timings = { ...DEPLOYMENT_TIMINGS, heartbeatMs: config.runs.heartbeatMs };
    this.lease = new RunLease(new RunLeaseStore(dataSource, DEPLOYMENT_RUNS), workerId, () => this.timings, this.logger, DEPLOYMENT_RUNS.whenGone);
  }

  async handle({ deploymentId }: JobPayload<JobName.DeploymentRun>, context: JobContext): Promise<JobResult<JobName.DeploymentRun>> {
    const enqueuedAt = Date.now();
    if (!(await this.waitForClaim(deploymentId, context.signal))) return { ran: false };
    const deployment = await this.deployments.findByIdAcrossTeams(deploymentId);
    if (!deployment) throw new Error(`Deployment ${deploymentId} is gone`);
    this.logger.info({ deploymentId, claimMs: Date.now() - enqueuedAt }, 'deployment claimed');
    await this.events.status(deploymentId, 'running', deployment.step, null);

    let slot: HeldBuildSlot | undefined;
    const held = this.lease.hold(deploymentId, {
      workerSignal: context.signal,
      timeoutMs: this.config.deployments.timeoutMs,
      onBeat: async () => slot?.refresh(),
    });
    let log: DeploymentLog | undefined;
    let result: PipelineResult;
    let releaseHold: (() => void) | undefined;
    let docker: ReturnType<WorkerSshPool['docker']> | undefined;
    try {
      const input = await this.loadInput(deployment);
      log = new DeploymentLog(this.events.sink(deploymentId), new Redactor(input.secrets), {
        batchMs: this.timings.logBatchMs,
        onError: (error) => this.logger.warn({ err: error, deploymentId }, 'deployment log batch not written'),
      });
      const loaded = await this.targets.load(input.serverId);
      if (!loaded) throw new ReasonError('deployment.server_gone', 'The server of the application no longer exists.');
      log.system(`==> Deployment ${deploymentId} of ${input.pipeline.application.name} (${deployment.trigger}) on ${loaded.server.name}`);
      const names = zpanelDockerNames(this.config.docker.namespace);
      releaseHold = this.pool.hold(loaded.target);
      docker = this.pool.docker(loaded.target);
      const target = loaded.target;
      const ops = new DockerDeploymentOps(docker, names, input.pipeline.application.id);
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
          slot = await this.slots.acquire(input.serverId, deploymentId, held.signal);
          const taken = slot;
          return async () => {
            slot = undefined;
            await taken.release().catch(() => undefined);
          };
        },
        signal: held.signal,
        sleep,
        drainMs: this.timings.drainMs,
      });
      result = await pipeline.run(input.pipeline);
      await this.cleanUpIfDeleted(deployment, ops, input.pipeline.application.stopGraceSeconds);
    } catch (error) {
      // The database, the key store or the server's row failed, not a step: still a finished deployment.
      this.logger.error({ err: error, deploymentId }, 'deployment failed unexpectedly');
      const { code, reason } = reasonOf(error, INTERNAL_FAILURE);
      log?.system(`==> Failed: ${reason}`);
      result = {
        status: 'failed',
        step: deployment.step,
        reason,
        reasonCode: code,
        commitSha: deployment.commitSha,
        imageTag: null,
        containerName: null,
        prunedImageTags: [],
      };
    } finally {
      held.release();
      if (docker) releaseDocker(docker);
      releaseHold?.();
      await log?.flush();
    }

    // False: the reaper already failed it (this worker looked dead) or the application was deleted.
    const finished = await this.lease.finish(deploymentId, {
      status: result.status,
      step: result.step,
      reason: result.reason,
      reasonCode: result.reasonCode,
      commitSha: result.commitSha,
      imageTag: result.imageTag,
      containerName: result.containerName,
    });
    await this.deployments.markImagesPruned(deployment.applicationId, result.prunedImageTags);
    if (finished) await this.events.status(deploymentId, result.status, result.step, result.reason, result.reasonCode);
    this.logger.info({ deploymentId, status: result.status, step: result.step, ms: Date.now() - enqueuedAt }, 'deployment finished');
    return { ran: true, status: result.status as DeploymentStatus };
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

  /**
   * The application's settings, variables (application wins over environment) and deploy key, opened.
   * A preview takes all of them from the application it previews, read now, plus that application's
   * preview overrides (which win); only its name, images kept and pull request ref are its own.
   */
  private async loadInput(
    deployment: DeploymentEntity,
  ): Promise<{ pipeline: PipelineInput; serverId: string; secrets: string[]; settingsId: string }> {
    const team = teamScope(deployment.teamId);
    const app = await this.applications.find(team, deployment.applicationId);
    if (!app) throw new ReasonError('deployment.application_gone', 'The application no longer exists.');
    const settings = app.previewOfId ? await this.applications.find(team, app.previewOfId) : app;
    if (!settings) throw new ReasonError('deployment.application_gone', 'The application this preview belongs to no longer exists.');
    const variables = await this.variables.forDeployment(team, settings, app.previewOfId !== null);
    const buildArgs: Record<string, string> = {};
    const runtimeEnv: [string, string][] = [];
    const secrets: string[] = [];
    for (const variable of effectiveVariables(variables)) {
      const value = this.box.open(variable.value, envVarAad(variable, variable.key));
      secrets.push(value);
      if (variable.buildTime) buildArgs[variable.key] = value;
      if (variable.runtime) runtimeEnv.push([variable.key, value]);
    }
    let deployKey: string | null = null;
    if (settings.deployKeyId && settings.buildPack === 'dockerfile' && deployment.trigger !== 'rollback') {
      const key = await this.sshKeys.get(team, settings.deployKeyId);
      deployKey = this.box.open(key.privateKey, sshKeyAad(key.id));
      secrets.push(deployKey);
    }
    let gitToken: string | null = null;
    if (settings.buildPack === 'dockerfile' && deployment.trigger !== 'rollback') {
      const sealed = await this.applications.sealedGitToken(team, settings.id);
      if (sealed) {
        gitToken = this.box.open(sealed, gitTokenAad(settings.id));
        secrets.push(gitToken);
      }
    }
    return {
      serverId: app.serverId,
      secrets,
      settingsId: settings.id,
      pipeline: {
        deploymentId: deployment.id,
        application: {
          id: app.id,
          name: app.name,
          buildPack: settings.buildPack,
          gitUrl: settings.gitUrl,
          gitBranch: settings.gitBranch,
          gitRef: deployment.gitTag ? tagRef(deployment.gitTag) : app.previewRef,
          dockerfilePath: settings.dockerfilePath,
          buildTarget: settings.buildTarget,
          baseDirectory: settings.baseDirectory,
          imageReference: settings.imageReference,
          port: settings.port,
          healthCheck: settings.healthCheck,
          restartPolicy: settings.restartPolicy,
          cpuLimit: settings.cpuLimit === null ? null : Number(settings.cpuLimit),
          memoryLimitMb: settings.memoryLimitMb,
          stopGraceSeconds: settings.stopGraceSeconds,
          keepImages: app.keepImages,
        },
        commit: deployment.commitSha,
        imageTag: deployment.requestedImageTag,
        rollbackImage: deployment.trigger === 'rollback' ? deployment.imageTag : null,
        buildArgs,
        runtimeEnv,
        deployKey,
        gitHostKey: settings.gitHostKey,
        gitToken,
        liveHistory: await this.deployments.liveHistory(deployment),
      },
    };
  }
}
