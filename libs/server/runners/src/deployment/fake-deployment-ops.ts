import type { HealthCheckSettings } from '@zpanel/contracts';
import { type AppImage, type BuildSpec, type ContainerSpec, type DeploymentOps, type HealthProber, deploymentOfImageTag } from './deployment-ops';

interface FakeContainer {
  spec: ContainerSpec;
  ip: string;
  running: boolean;
  aliases: string[];
  deploymentId: string | null;
}

/**
 * An in-memory Docker for the pipeline's unit tests: records every call in order (`calls`), so a
 * test can check what happened when, and lets a test make a step fail (`failOn`).
 */
export class FakeDeploymentOps implements DeploymentOps {
  readonly calls: string[] = [];
  readonly containers = new Map<string, FakeContainer>();
  /** By tag; tags with the same `imageId` are one image (no `imageId`: an image of its own). */
  readonly images = new Map<string, { deploymentId: string | null; imageId?: string; created: Date; inUse?: boolean }>();
  /** The image id the next build gives (a cached rebuild gives an earlier one again); each build a new one when unset. */
  nextBuildImageId?: string;
  readonly builds: BuildSpec[] = [];
  /** Throws when the named operation is called (e.g. `buildImage`, `startContainer`). */
  failOn = new Set<string>();
  /** Lines the build writes. */
  buildOutput: string[] = ['Step 1/2 : FROM base', 'Successfully built 0123abcd'];
  /** Called when a build starts, to let a test cancel mid-build. */
  onBuild?: () => void;
  /** The new container exits right after starting. */
  exitAfterStart = false;
  /** The server's file system as `realpath -e` sees it: a path and what it resolves to (absent: missing). */
  readonly hostPaths = new Map<string, string>();
  /** Named volumes of the application present on the server. */
  readonly volumes = new Set<string>();
  private nextIp = 2;
  private clock = 1_000;

  private record(call: string): void {
    this.calls.push(call);
    const op = call.split(' ')[0];
    if (this.failOn.has(op)) throw new Error(`${op} failed (fake)`);
  }

  /** An existing deployment's container, running and answering the alias. */
  addRunning(name: string, image: string, alias: string, deploymentId: string): void {
    this.containers.set(name, {
      spec: {
        name,
        image,
        env: [],
        labels: {},
        restartPolicy: 'unless-stopped',
        cpuLimit: null,
        memoryLimitMb: null,
        stopGraceSeconds: 10,
        port: 80,
      },
      ip: `172.30.0.${this.nextIp++}`,
      running: true,
      aliases: [alias],
      deploymentId,
    });
  }

  /** An image tag; tags given the same `imageId` are one image (created when it first appeared). */
  addImage(reference: string, deploymentId: string | null, imageId = `sha256:${reference}`): void {
    this.clock += 1_000;
    const same = [...this.images.values()].find((i) => i.imageId === imageId);
    this.images.set(reference, { deploymentId, imageId, created: same?.created ?? new Date(this.clock) });
  }

  /** Who answers the alias right now. */
  answering(alias: string): string[] {
    return [...this.containers.entries()].filter(([, c]) => c.running && c.aliases.includes(alias)).map(([name]) => name);
  }

  async imageExists(reference: string): Promise<boolean> {
    this.record(`imageExists ${reference}`);
    return this.images.has(reference);
  }

  async pullImage(reference: string, onLine: (line: string) => void): Promise<void> {
    this.record(`pullImage ${reference}`);
    onLine(`pulled ${reference}`);
    this.addImage(reference, null);
  }

  async buildImage(spec: BuildSpec, onLine: (stream: 'stdout' | 'stderr', line: string) => void, signal: AbortSignal): Promise<void> {
    this.record(`buildImage ${spec.tag}`);
    this.builds.push(spec);
    this.onBuild?.();
    for (const line of this.buildOutput) {
      if (signal.aborted) throw new Error('build aborted');
      onLine('stdout', line);
    }
    this.addImage(spec.tag, deploymentOfImageTag(spec.tag), this.nextBuildImageId);
  }

  async ensureNetwork(): Promise<void> {
    this.record('ensureNetwork');
  }

  async startContainer(spec: ContainerSpec): Promise<void> {
    this.record(`startContainer ${spec.name}`);
    for (const volume of spec.mounts?.volumes ?? []) this.volumes.add(volume.dockerName);
    if (this.containers.has(spec.name)) throw new Error(`Conflict. The container name "/${spec.name}" is already in use`);
    this.containers.set(spec.name, {
      spec,
      ip: `172.30.0.${this.nextIp++}`,
      running: !this.exitAfterStart,
      aliases: [],
      deploymentId: spec.labels['zpanel.deployment'] ?? null,
    });
  }

  async containerAddress(name: string): Promise<{ ip: string } | { exited: true; exitCode: number | null } | null> {
    this.record(`containerAddress ${name}`);
    const container = this.containers.get(name);
    if (!container) return null;
    return container.running ? { ip: container.ip } : { exited: true, exitCode: 1 };
  }

  async containerLogTail(name: string): Promise<string[]> {
    this.record(`containerLogTail ${name}`);
    return ['app: listening failed'];
  }

  async addAlias(name: string, alias: string): Promise<void> {
    this.record(`addAlias ${name} ${alias}`);
    const container = this.containers.get(name);
    if (!container) throw new Error('no such container');
    container.aliases.push(alias);
  }

  async appContainers(): Promise<{ name: string; deploymentId: string | null; running: boolean }[]> {
    this.record('appContainers');
    return [...this.containers.entries()].map(([name, c]) => ({ name, deploymentId: c.deploymentId, running: c.running }));
  }

  /** What refuseNewConnections answers for a container (absent: done, null). */
  readonly refuseProblems = new Map<string, string>();

  async refuseNewConnections(name: string): Promise<string | null> {
    this.record(`refuseNewConnections ${name}`);
    return this.refuseProblems.get(name) ?? null;
  }

  async retireContainer(name: string, graceSeconds: number): Promise<void> {
    this.record(`retireContainer ${name} ${graceSeconds}`);
    this.containers.delete(name);
  }

  async removeContainer(name: string): Promise<void> {
    this.record(`removeContainer ${name}`);
    this.containers.delete(name);
  }

  async appImages(): Promise<AppImage[]> {
    this.record('appImages');
    return [...this.images.entries()]
      .filter(([, image]) => image.deploymentId !== null)
      .map(([reference, image]) => ({
        reference,
        deploymentId: image.deploymentId,
        imageId: image.imageId ?? `sha256:${reference}`,
        created: image.created,
      }))
      .sort((a, b) => b.created.getTime() - a.created.getTime());
  }

  async removeImage(reference: string): Promise<boolean> {
    this.record(`removeImage ${reference}`);
    if (this.images.get(reference)?.inUse) return false;
    return this.images.delete(reference);
  }

  async resolveHostPath(path: string): Promise<string | null> {
    this.record(`resolveHostPath ${path}`);
    return this.hostPaths.get(path) ?? null;
  }

  async removeAppVolumes(): Promise<number> {
    this.record('removeAppVolumes');
    const count = this.volumes.size;
    this.volumes.clear();
    return count;
  }
}

/** Answers health probes from a script: `healthy(ip)` decides, and every probe is recorded. */
export class FakeHealthProber implements HealthProber {
  readonly probes: string[] = [];

  constructor(private readonly healthy: (ip: string, attempt: number) => boolean = () => true) {}

  async probe(ip: string, port: number, check: HealthCheckSettings): Promise<{ ok: true } | { ok: false; detail: string }> {
    this.probes.push(`${check.type} ${ip}:${port}`);
    return this.healthy(ip, this.probes.length) ? { ok: true } : { ok: false, detail: `connection refused on port ${port}` };
  }
}
