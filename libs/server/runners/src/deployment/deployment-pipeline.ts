import {
  type BuildPack,
  type DeployStrategy,
  type DeploymentStep,
  type HealthCheckSettings,
  type ReasonCode,
  type RestartPolicy,
  VOLUME_LIMITS,
} from '@zpanel/contracts';
import {
  ReasonError,
  ZPANEL_LABELS,
  type ZpanelDockerNames,
  bindHostPathProblem,
  deniedHostPathOf,
  imageReferenceWithTag,
  isPathUnder,
  knownHostsFingerprints,
  mountPathProblem,
  overlappingMountPaths,
  volumeNameProblem,
} from '@zpanel/core';
import { ZPANEL_MANAGED_LABEL } from '@zpanel/remote';
import { mkdtemp, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, relative, sep } from 'node:path';
import { CheckoutPathError, resolveInsideCheckout } from './checkout-paths';
import type { DeploymentLog } from './deployment-log';
import type { ContainerMounts, DeploymentOps, HealthProber } from './deployment-ops';
import {
  GitAuthError,
  GitCommandError,
  GitHostKeyChangedError,
  GitHostUnreachableError,
  GitSpecError,
  type SourceCheckout,
  type SourceFetcher,
} from './git-source';

/** The application as the pipeline needs it (settings read when the deployment starts). */
export interface PipelineApplication {
  id: string;
  name: string;
  buildPack: BuildPack;
  gitUrl: string | null;
  gitBranch: string | null;
  /** A preview's pull request head ref, fetched instead of the branch; null otherwise. */
  gitRef?: string | null;
  dockerfilePath: string;
  buildTarget: string | null;
  baseDirectory: string;
  imageReference: string | null;
  port: number;
  healthCheck: HealthCheckSettings;
  restartPolicy: RestartPolicy;
  cpuLimit: number | null;
  memoryLimitMb: number | null;
  stopGraceSeconds: number;
  keepImages: number;
  /** rolling (default): new beside old; recreate: the old containers stop before the new one starts. */
  deployStrategy?: DeployStrategy;
}

/** A mount as the deployment uses it (a secret file's content opened). */
export type PipelineMount =
  | { kind: 'volume'; name: string; mountPath: string }
  | { kind: 'bind'; hostPath: string; mountPath: string; readOnly: boolean }
  | { kind: 'file'; mountPath: string; content: string };

export interface PipelineInput {
  deploymentId: string;
  application: PipelineApplication;
  /** Requested commit (dockerfile build pack); null: the branch head. */
  commit: string | null;
  /** Requested image tag (image build pack), run in place of the reference's own tag; null: the reference as it is. */
  imageTag: string | null;
  /** Rollback: the kept image to run again (no source, no build). */
  rollbackImage: string | null;
  /** Build-time variables, passed as build args. */
  buildArgs: Record<string, string>;
  /** Runtime variables, in the order they reach the container. */
  runtimeEnv: [string, string][];
  deployKey: string | null;
  /** The git host's pinned known_hosts lines (ssh URLs); null: learn them on this clone. */
  gitHostKey: string | null;
  /**
   * The application's successful deployments before this one, newest first, with the image each ran
   * (a rollback ran its source's): what retention keeps. A build that never went live is not in it.
   */
  liveHistory?: { deploymentId: string; imageTag: string }[];
  /** Token for an https:// repository, opened; redacted from the log like every secret. */
  gitToken: string | null;
  /** Named volumes, bind mounts and files of the application (none: nothing is mounted). */
  mounts?: PipelineMount[];
  /** The server's allowed bind roots, as stored now. */
  allowedBindRoots?: string[];
  /** The team the application belongs to: labels its volumes, so orphaned ones are listed per team. */
  teamId?: string;
}

export interface PipelineDeps {
  names: ZpanelDockerNames;
  ops: DeploymentOps;
  source: SourceFetcher;
  health: HealthProber;
  log: DeploymentLog;
  /** Stores the git host key learned at the first ssh clone, so later clones accept only it. */
  pinGitHostKey(knownHosts: string): Promise<void>;
  /** Records the step the deployment is at (row + live status). */
  enterStep(step: DeploymentStep): Promise<void>;
  /** Waits for the server's build slot; resolves to its release. Not called for rollbacks. */
  acquireBuildSlot(): Promise<() => Promise<void>>;
  /** Aborted on cancel, timeout or worker stop; `signal.reason` says which (an AbortReason). */
  signal: AbortSignal;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** How long the old container keeps serving beside the new one before it is stopped. */
  drainMs: number;
}

export type AbortReason = 'cancelled' | 'timeout' | 'worker-stopped';

export interface PipelineResult {
  status: 'success' | 'failed' | 'cancelled';
  step: DeploymentStep;
  reason: string | null;
  /** What `reason` is, for clients that react to it; null with a null reason. */
  reasonCode: ReasonCode | null;
  commitSha: string | null;
  imageTag: string | null;
  containerName: string | null;
  /**
   * Image tags this run removed, or found gone (a rollback to a removed image): every deployment that
   * ran one of them can no longer be rolled back to.
   */
  prunedImageTags: string[];
}

class Aborted extends Error {}

function describe(error: unknown): string {
  if (error instanceof ReasonError) return error.reason;
  const docker = error as { statusCode?: number; json?: { message?: string }; reason?: string } | null;
  if (docker?.json?.message) return `Docker: ${docker.json.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * The deployment steps (docs/architecture.md): source, build, start, health, promote, retire, prune. The
 * new container is started beside the old one and only given the app's alias once healthy, so a
 * failure at any step up to promote leaves the old one serving untouched; the new container is then
 * removed. After promote the deployment has succeeded: retire and prune problems are logged only.
 */
export class DeploymentPipeline {
  private step: DeploymentStep = 'queued';
  private commitSha: string | null = null;
  private imageTag: string | null = null;
  private startedContainer: string | null = null;
  private readonly goneImageTags: string[] = [];
  private applicationId = '';

  constructor(private readonly deps: PipelineDeps) {}

  async run(input: PipelineInput): Promise<PipelineResult> {
    const { names, log } = this.deps;
    const app = input.application;
    this.applicationId = app.id;
    const containerName = names.appContainer(app.name, input.deploymentId);
    this.commitSha = input.commit;
    let promoted = false;
    try {
      let image: string;
      if (input.rollbackImage) {
        log.system(`==> Rollback: running the kept image ${input.rollbackImage} again (no clone, no build)`);
        if (!(await this.deps.ops.imageExists(input.rollbackImage))) {
          this.goneImageTags.push(input.rollbackImage);
          throw new ReasonError('image.gone', `The image ${input.rollbackImage} is no longer on the server.`);
        }
        image = input.rollbackImage;
      } else {
        image = await this.sourceAndBuild(input);
      }
      this.imageTag = image;

      await this.enter('start');
      // Checked on the server before anything stops: a refused mount leaves the old container serving.
      const mounts = await this.containerMounts(input);
      await this.deps.ops.ensureNetwork();
      if (app.deployStrategy === 'recreate') await this.stopPrevious(app);
      log.system(`==> Starting container ${containerName} from ${image}`);
      this.startedContainer = containerName;
      await this.deps.ops.startContainer({
        name: containerName,
        image,
        env: input.runtimeEnv.map(([key, value]) => `${key}=${value}`),
        labels: this.labels(input.deploymentId, 'app'),
        restartPolicy: app.restartPolicy,
        cpuLimit: app.cpuLimit,
        memoryLimitMb: app.memoryLimitMb,
        stopGraceSeconds: app.stopGraceSeconds,
        port: app.port,
        mounts,
      });

      await this.enter('health');
      await this.healthCheck(containerName, app);

      await this.enter('promote');
      const alias = names.appAlias(app.name);
      const previous = (await this.deps.ops.appContainers()).filter((c) => c.name !== containerName);
      this.checkAbort();
      await this.deps.ops.addAlias(containerName, alias);
      promoted = true;
      log.system(`==> ${containerName} now answers as ${alias}`);

      await this.enter('retire');
      if (previous.length > 0) {
        // Both answer the alias for a moment; connections already open to the old one finish.
        await this.deps.sleep(this.deps.drainMs, new AbortController().signal);
        await this.retire(previous, app);
      }

      await this.enter('prune');
      const prunedImageTags = await this.prune(app.keepImages, image, input.liveHistory ?? []);
      await this.enter('done');
      log.system('==> Deployment succeeded');
      return this.result('success', null, containerName, prunedImageTags);
    } catch (error) {
      if (promoted) {
        // The new container serves: a failure past promote is not the deployment's.
        log.system(`warning: ${describe(error)}`);
        return this.result('success', null, containerName, []);
      }
      return this.fail(error);
    }
  }

  /**
   * Stops and removes the application's other containers (grace period first); a failure is logged,
   * not fatal. Each running one first refuses new connections and accepts those already queued:
   * both containers answer the alias until the old one has stopped, and an app closes its listener
   * at SIGTERM, resetting every connection still waiting in its accept queue; the proxy retries a
   * reset request only for GETs, so a POST the proxy had just sent there would be answered 502.
   */
  private async retire(containers: { name: string; running: boolean }[], app: PipelineApplication): Promise<void> {
    for (const old of containers.filter((c) => c.running)) {
      const problem = await this.deps.ops.refuseNewConnections(old.name).catch((error: unknown) => describe(error));
      if (problem === null) this.deps.log.system(`==> ${old.name} refuses new connections; the ones it holds go on`);
      else
        this.deps.log.system(
          `warning: ${old.name} could not be made to refuse new connections before it stops (${problem}); a request sent to it as it stops may fail`,
        );
    }
    for (const old of containers) {
      try {
        this.deps.log.system(`==> Stopping the previous container ${old.name} (grace period ${app.stopGraceSeconds} s)`);
        await this.deps.ops.retireContainer(old.name, app.stopGraceSeconds);
      } catch (error) {
        this.deps.log.system(`warning: the previous container ${old.name} could not be removed: ${describe(error)}`);
      }
    }
  }

  /** recreate: the previous containers stop before the new one starts, so two never hold the volumes at once. */
  private async stopPrevious(app: PipelineApplication): Promise<void> {
    const previous = await this.deps.ops.appContainers();
    if (previous.length === 0) return;
    this.deps.log.system(
      `==> Deploy strategy recreate: stopping the previous containers first (the application is down until the new one is healthy)`,
    );
    await this.retire(previous, app);
    this.checkAbort();
  }

  /**
   * What the new container mounts, every stored value checked again (whatever the API let through)
   * and every bind mount's host path resolved on the server with its links followed, right before
   * the container starts: a path (or a root) that leads out of an allowed root, or into a denied
   * path, is refused with the reason. Docker is given the resolved path.
   */
  private async containerMounts(input: PipelineInput): Promise<ContainerMounts> {
    const { names, log, ops } = this.deps;
    const all = input.mounts ?? [];
    const result: ContainerMounts = { volumes: [], binds: [], files: [] };
    if (all.length === 0) return result;
    const invalid = (what: string) => new ReasonError('mount.invalid', `The mount ${what}; change it in the application's volumes and deploy again.`);
    if (all.length > VOLUME_LIMITS.mountsPerApplication) throw invalid(`list has more than ${VOLUME_LIMITS.mountsPerApplication} entries`);
    for (const mount of all) {
      const problem = mountPathProblem(mount.mountPath);
      if (problem) throw invalid(`path ${mount.mountPath.slice(0, 100)} ${problem}`);
    }
    const overlap = overlappingMountPaths(all.map((m) => m.mountPath));
    if (overlap) throw invalid(`paths ${overlap[0]} and ${overlap[1]} overlap`);
    const roots = input.allowedBindRoots ?? [];
    const realRoots = new Map<string, string | null>();
    for (const mount of all) {
      if (mount.kind === 'volume') {
        const problem = volumeNameProblem(mount.name);
        if (problem) throw invalid(`name ${mount.name.slice(0, 100)} ${problem}`);
        const dockerName = names.appVolume(this.applicationId, mount.name);
        result.volumes.push({
          dockerName,
          mountPath: mount.mountPath,
          labels: {
            [ZPANEL_LABELS.namespace]: names.namespace,
            [ZPANEL_LABELS.application]: this.applicationId,
            [ZPANEL_LABELS.volume]: mount.name,
            [ZPANEL_LABELS.role]: 'volume',
            ...(input.teamId ? { [ZPANEL_LABELS.team]: input.teamId } : {}),
          },
        });
        log.system(`==> Volume ${mount.name} (${dockerName}) at ${mount.mountPath}`);
      } else if (mount.kind === 'bind') {
        const problem = bindHostPathProblem(mount.hostPath, roots);
        if (problem) throw invalid(`host path ${mount.hostPath.slice(0, 100)} ${problem}`);
        const real = await ops.resolveHostPath(mount.hostPath);
        if (real === null) throw new ReasonError('mount.path_missing', `The bind mount's host path ${mount.hostPath} does not exist on the server.`);
        let inside = false;
        for (const root of roots.filter((r) => isPathUnder(r, mount.hostPath))) {
          if (!realRoots.has(root)) realRoots.set(root, await ops.resolveHostPath(root));
          const realRoot = realRoots.get(root);
          if (realRoot && deniedHostPathOf(realRoot) === null && isPathUnder(realRoot, real)) inside = true;
        }
        if (!inside || deniedHostPathOf(real) !== null)
          throw new ReasonError(
            'mount.path_outside',
            `The bind mount's host path ${mount.hostPath} leads to ${real.slice(0, 200)} on the server (symbolic links followed), outside the allowed bind roots or into a path Zpanel never mounts.`,
          );
        result.binds.push({ source: real, mountPath: mount.mountPath, readOnly: mount.readOnly });
        log.system(
          `==> Bind mount ${mount.hostPath}${real !== mount.hostPath ? ` (${real})` : ''} at ${mount.mountPath}${mount.readOnly ? ', read-only' : ''}`,
        );
      } else {
        const content = Buffer.from(mount.content, 'utf8');
        if (content.length > VOLUME_LIMITS.fileContentBytes)
          throw invalid(`file ${mount.mountPath} is larger than ${VOLUME_LIMITS.fileContentBytes} bytes`);
        result.files.push({ path: mount.mountPath, content });
        log.system(`==> File ${mount.mountPath} (${content.length} bytes, read-only)`);
      }
    }
    return result;
  }

  private async sourceAndBuild(input: PipelineInput): Promise<string> {
    const { log, ops, names } = this.deps;
    const app = input.application;
    const tag = names.appImage(app.name, input.deploymentId);
    const release = await this.waitForBuildSlot();
    let checkout: SourceCheckout | undefined;
    let context: string | undefined;
    try {
      await this.enter('source');
      let contextDir: string;
      let dockerfile: string;
      if (app.buildPack === 'image') {
        const reference = this.imageToRun(app, input.imageTag);
        if (await ops.imageExists(reference)) {
          log.system(`==> Using ${reference} (already on the server)`);
        } else {
          log.system(`==> Pulling ${reference}`);
          await ops.pullImage(reference, (line) => log.write('stdout', `${line}\n`), this.deps.signal);
        }
        // A labelled image of our own per deployment: a rollback finds exactly what ran, and pruning sees only ours.
        // Canonical, as packBuildContext wants it (the temporary directory may be reached through a link).
        context = await realpath(await mkdtemp(join(tmpdir(), 'zpanel-image-')));
        await writeFile(join(context, 'Dockerfile'), `FROM ${reference}\n`);
        contextDir = context;
        dockerfile = 'Dockerfile';
      } else {
        if (input.imageTag !== null)
          throw new ReasonError(
            'image.tag_not_applicable',
            `An image tag (${input.imageTag}) was asked for, but the application is now built from a git repository; deploy it again.`,
          );
        log.system(
          `==> ${app.gitRef ? 'Fetching' : 'Cloning'} ${app.gitUrl} (${app.gitRef ? app.gitRef : `branch ${app.gitBranch}`}${input.commit ? `, commit ${input.commit}` : ''})`,
        );
        try {
          checkout = await this.deps.source.checkout(
            {
              url: app.gitUrl as string,
              branch: app.gitBranch as string,
              ref: app.gitRef ?? null,
              commit: input.commit,
              deployKey: input.deployKey,
              hostKey: input.gitHostKey,
              token: input.gitToken,
            },
            { onStdout: (text) => log.write('stdout', text), onStderr: (text) => log.write('stderr', text) },
            this.deps.signal,
          );
        } catch (error) {
          this.checkAbort();
          if (error instanceof GitAuthError)
            throw new ReasonError(error.hadToken ? 'git.token_refused' : 'git.auth_required', sentence(error.message));
          if (error instanceof GitHostUnreachableError) throw new ReasonError('git.host_unreachable', sentence(error.message));
          if (error instanceof GitHostKeyChangedError) throw new ReasonError('git.host_key_changed', sentence(error.message));
          if (error instanceof GitSpecError)
            throw new ReasonError('git.settings_invalid', `The repository settings are not allowed: ${error.message}.`);
          if (error instanceof GitCommandError)
            throw new ReasonError('git.fetch_failed', `git could not fetch the source: ${lastLine(error.stderr) || `exit code ${error.exitCode}`}`);
          throw error;
        }
        if (checkout.learnedHostKey) {
          await this.deps.pinGitHostKey(checkout.learnedHostKey);
          log.system(`==> Pinned the git host's key at first use: ${knownHostsFingerprints(checkout.learnedHostKey).join(', ')}`);
        }
        this.commitSha = checkout.sha;
        log.system(`==> Checked out ${checkout.sha}`);
        ({ contextDir, dockerfile } = await this.buildFiles(checkout, app));
      }

      await this.enter('build');
      log.system(`==> Building ${tag}${app.buildTarget ? ` (target ${app.buildTarget})` : ''}`);
      try {
        await ops.buildImage(
          // No deployment id among the image's labels: Docker adds each label as a build step, and one
          // that changes every time would rebuild the last steps of every redeploy (4 containers
          // created and committed for nothing). The tag names the deployment.
          {
            contextDir,
            dockerfile,
            target: app.buildPack === 'dockerfile' ? app.buildTarget : null,
            buildArgs: input.buildArgs,
            tag,
            labels: this.labels(null, 'app-image'),
          },
          (stream, line) => log.write(stream, `${line}\n`),
          this.deps.signal,
        );
      } catch (error) {
        this.checkAbort();
        throw new ReasonError('build.failed', `The build failed: ${describe(error)}`);
      }
      return tag;
    } finally {
      await checkout?.dispose();
      if (context) await rm(context, { recursive: true, force: true });
      await release();
    }
  }

  /**
   * The build context and the Dockerfile in it, both resolved to what they really are on disk and
   * refused when a symbolic link takes them out of the checkout (the context) or out of the context
   * (the Dockerfile: Docker reads it from the tar). Docker is given the Dockerfile's real path, so a
   * linked Dockerfile is the file it links to.
   */
  private async buildFiles(checkout: SourceCheckout, app: PipelineApplication): Promise<{ contextDir: string; dockerfile: string }> {
    const missing = `No Dockerfile at ${posix.join(app.baseDirectory, app.dockerfilePath)} in commit ${checkout.sha}.`;
    try {
      const contextDir = await resolveInsideCheckout(checkout.dir, app.baseDirectory, { field: 'baseDirectory', name: 'base directory' });
      if (!(await stat(contextDir)).isDirectory())
        throw new ReasonError('checkout.not_a_directory', `The base directory ${app.baseDirectory} is not a directory in commit ${checkout.sha}.`);
      const dockerfileOnDisk = await resolveInsideCheckout(contextDir, app.dockerfilePath, {
        field: 'dockerfilePath',
        name: 'Dockerfile path',
        within: 'the base directory',
      });
      const found = await stat(dockerfileOnDisk);
      if (found.isDirectory())
        throw new ReasonError(
          'checkout.not_a_file',
          `The Dockerfile path ${app.dockerfilePath} names a directory in commit ${checkout.sha}, not a file.`,
        );
      if (!found.isFile()) throw new ReasonError('checkout.path_missing', missing);
      return { contextDir, dockerfile: relative(contextDir, dockerfileOnDisk).split(sep).join('/') };
    } catch (error) {
      if (error instanceof CheckoutPathError && error.field === 'dockerfilePath' && error.problem === 'missing')
        throw new ReasonError(error.code, missing);
      throw error;
    }
  }

  /** The reference, or the reference with the tag asked for; checked again here, whatever the API let through. */
  private imageToRun(app: PipelineApplication, tag: string | null): string {
    const reference = app.imageReference as string;
    if (tag === null) return reference;
    try {
      const tagged = imageReferenceWithTag(reference, tag);
      this.deps.log.system(`==> Image tag ${tag} asked for: running ${tagged} instead of ${reference}`);
      return tagged;
    } catch (error) {
      throw new ReasonError('image.tag_invalid', `The image tag cannot be used: ${(error as Error).message}.`);
    }
  }

  private async waitForBuildSlot(): Promise<() => Promise<void>> {
    let waiting = true;
    const note = setTimeout(() => {
      if (waiting) this.deps.log.system('==> Waiting for a build slot on the server');
    }, 1_000);
    try {
      return await this.deps.acquireBuildSlot();
    } finally {
      waiting = false;
      clearTimeout(note);
      this.checkAbort();
    }
  }

  private async healthCheck(containerName: string, app: PipelineApplication): Promise<void> {
    const { ops, health, log, sleep, signal } = this.deps;
    const check = app.healthCheck;
    const what = check.type === 'http' ? `HTTP GET ${check.path ?? '/'} on port ${app.port}` : `TCP port ${app.port}`;
    log.system(`==> Health check: ${what}, after ${check.startPeriodSeconds} s, every ${check.intervalSeconds} s, up to ${check.retries} tries`);
    await sleep(check.startPeriodSeconds * 1000, signal);
    let detail = 'no answer';
    for (let attempt = 1; attempt <= check.retries; attempt += 1) {
      this.checkAbort();
      const address = await ops.containerAddress(containerName);
      if (address === null || 'exited' in address) {
        const code = address && 'exited' in address ? address.exitCode : null;
        await this.logContainerTail(containerName);
        throw new ReasonError('container.exited', `The new container stopped before it was healthy${code !== null ? ` (exit code ${code})` : ''}.`);
      }
      const outcome = await health.probe(address.ip, app.port, check, signal);
      if (outcome.ok) {
        log.system(`==> Healthy after ${attempt} ${attempt === 1 ? 'try' : 'tries'}`);
        return;
      }
      detail = outcome.detail;
      log.system(`health check ${attempt}/${check.retries}: ${detail}`);
      if (attempt < check.retries) await sleep(check.intervalSeconds * 1000, signal);
    }
    this.checkAbort();
    await this.logContainerTail(containerName);
    throw new ReasonError('health_check.failed', `Health check failed: ${what} did not pass after ${check.retries} tries (last: ${detail}).`);
  }

  private async logContainerTail(containerName: string): Promise<void> {
    const lines = await this.deps.ops.containerLogTail(containerName, 50).catch(() => []);
    if (lines.length === 0) return;
    this.deps.log.system('--- last lines of the new container ---');
    for (const line of lines) this.deps.log.write('stderr', `${line}\n`);
  }

  /**
   * Keeps the images of the last `keep` deployments that were live (distinct images: a cached
   * redeploy is the same image again), and always the running one and the one live before it, so a
   * rollback always has somewhere to go. A build that never went live (failed, cancelled) is not
   * counted and goes. Each kept image keeps one tag: the running deployment's, or the newest live
   * deployment's that ran it; the other tags of it (cached redeploys) go, so tags do not pile up.
   */
  private async prune(keep: number, current: string, history: { deploymentId: string; imageTag: string }[]): Promise<string[]> {
    const pruned: string[] = [];
    try {
      const images = await this.deps.ops.appImages();
      const imageOf = new Map(images.map((i) => [i.reference, i.imageId]));
      const keptTags = new Set([current]);
      const keptImages = new Set<string>();
      const currentImage = imageOf.get(current);
      if (currentImage) keptImages.add(currentImage);
      for (const live of history) {
        const imageId = imageOf.get(live.imageTag);
        if (imageId === undefined || keptImages.has(imageId)) continue;
        // The first other image is the one live before this deployment: kept whatever `keep` says.
        if (keptImages.size >= Math.max(keep, currentImage ? 2 : 1)) break;
        keptImages.add(imageId);
        keptTags.add(live.imageTag);
      }
      for (const image of images) {
        if (keptTags.has(image.reference)) continue;
        if (await this.deps.ops.removeImage(image.reference)) {
          pruned.push(image.reference);
          this.deps.log.system(
            keptImages.has(image.imageId)
              ? `==> Removed the extra tag ${image.reference} (the same image is kept under another)`
              : `==> Removed the old image ${image.reference}`,
          );
        }
      }
    } catch (error) {
      this.deps.log.system(`warning: old images could not be pruned: ${describe(error)}`);
    }
    return pruned;
  }

  private labels(deploymentId: string | null, role: string): Record<string, string> {
    return {
      [ZPANEL_MANAGED_LABEL]: 'true',
      [ZPANEL_LABELS.namespace]: this.deps.names.namespace,
      [ZPANEL_LABELS.application]: this.applicationId,
      ...(deploymentId ? { [ZPANEL_LABELS.deployment]: deploymentId } : {}),
      [ZPANEL_LABELS.role]: role,
    };
  }

  private async enter(step: DeploymentStep): Promise<void> {
    this.checkAbort();
    this.step = step;
    await this.deps.enterStep(step);
  }

  private checkAbort(): void {
    if (this.deps.signal.aborted) throw new Aborted();
  }

  private async fail(error: unknown): Promise<PipelineResult> {
    const { log } = this.deps;
    let status: PipelineResult['status'] = 'failed';
    let reason: string;
    let code: ReasonCode;
    if (error instanceof Aborted || this.deps.signal.aborted) {
      const why = this.deps.signal.reason as AbortReason;
      if (why === 'cancelled') {
        status = 'cancelled';
        reason = 'Cancelled.';
        code = 'deployment.cancelled';
      } else if (why === 'timeout') {
        reason = `Timed out during ${this.step}.`;
        code = 'deployment.timed_out';
      } else {
        reason = `The worker stopped during ${this.step}; deploy again.`;
        code = 'deployment.worker_stopped';
      }
    } else {
      reason = describe(error);
      // A step's own error (Docker's words, a remote command's): shown as it is, as the log shows it.
      code = error instanceof ReasonError ? error.code : 'deployment.step_failed';
    }
    if (this.startedContainer) {
      try {
        await this.deps.ops.removeContainer(this.startedContainer);
        log.system(`==> Removed the new container ${this.startedContainer}; the previous one keeps serving`);
      } catch (removeError) {
        log.system(`warning: the new container ${this.startedContainer} could not be removed: ${describe(removeError)}`);
      }
    }
    log.system(`==> ${status === 'cancelled' ? 'Cancelled' : 'Failed'} at ${this.step}: ${reason}`);
    return this.result(status, { reason, code }, this.startedContainer, this.goneImageTags);
  }

  private result(
    status: PipelineResult['status'],
    failure: { reason: string; code: ReasonCode } | null,
    containerName: string | null,
    prunedImageTags: string[],
  ): PipelineResult {
    return {
      status,
      step: this.step,
      reason: failure?.reason ?? null,
      reasonCode: failure?.code ?? null,
      commitSha: this.commitSha,
      imageTag: this.imageTag,
      containerName,
      prunedImageTags,
    };
  }
}

/** git-source's messages are clauses (they end up inside other sentences too). */
function sentence(clause: string): string {
  return `${clause[0].toUpperCase()}${clause.slice(1)}.`;
}

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines[lines.length - 1] ?? '';
}
