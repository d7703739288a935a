import type { Duplex, Readable } from 'node:stream';
import { DEPLOYMENT_LOG_LINE_MAX_CHARS, type HealthCheckSettings } from '@zpanel/contracts';
import { ZPANEL_LABELS, type ZpanelDockerNames } from '@zpanel/core';
import {
  DockerContainers,
  type RemoteShell,
  dockerStatusCode as statusCode,
  ensureZpanelNetwork,
  followDockerProgress as followProgress,
  ignoringDockerStatus as ignoring,
  packTar,
} from '@zpanel/remote';
import type Docker from 'dockerode';
import { packBuildContext } from './build-context';
import { type AppImage, type BuildSpec, type ContainerSpec, type DeploymentOps, type HealthProber, deploymentOfImageTag } from './deployment-ops';

/**
 * An image declaring `VOLUME` (one built FROM a database image) gets a fresh anonymous volume with every
 * container: without `v` each redeploy would leave one behind on the server. `v` never removes a named
 * volume (the app's volumes, a database's), so their data stays.
 */
const REMOVE_WITH_ANONYMOUS_VOLUMES = { force: true, v: true } as const;

/** How long a retired container gets to accept the connections that were queued when it began refusing new ones. */
const ACCEPT_QUEUE_WAIT_MS = 2_000;
const ACCEPT_QUEUE_POLL_MS = 50;

const RESTART = { 'unless-stopped': 'unless-stopped', always: 'always', 'on-failure': 'on-failure', no: 'no' } as const;

/**
 * Deployment operations on one server's Docker Engine (reached over the pooled SSH connection). Every
 * name comes from `zpanelDockerNames`, every lookup filters on this instance's namespace and the
 * application's id, so nothing of another instance or application is touched.
 */
export class DockerDeploymentOps implements DeploymentOps {
  private readonly containers: DockerContainers;

  constructor(
    private readonly docker: Docker,
    private readonly names: ZpanelDockerNames,
    private readonly applicationId: string,
    /** Commands on the server (resolving bind mounts' host paths); not needed by clean-ups. */
    private readonly shell?: RemoteShell,
  ) {
    this.containers = new DockerContainers(docker);
  }

  async imageExists(reference: string): Promise<boolean> {
    try {
      await this.docker.getImage(reference).inspect();
      return true;
    } catch (error) {
      if (statusCode(error) === 404) return false;
      throw error;
    }
  }

  async pullImage(reference: string, onLine: (line: string) => void, signal: AbortSignal): Promise<void> {
    const stream = (await this.docker.pull(reference, { abortSignal: signal })) as Readable;
    await followProgress(stream, (event) => {
      // Per-layer progress bars are noise in a stored log; their final states are kept.
      if (event.status && !event.progress) onLine(event.id ? `${event.id}: ${event.status}` : event.status);
    });
  }

  async buildImage(spec: BuildSpec, onLine: (stream: 'stdout' | 'stderr', line: string) => void, signal: AbortSignal): Promise<void> {
    // Links are packed as links (never followed out of the checkout), .dockerignore is honoured, .git is left out.
    const context = await packBuildContext(spec.contextDir, spec.dockerfile);
    const options: Record<string, unknown> = {
      t: spec.tag,
      dockerfile: spec.dockerfile,
      labels: spec.labels,
      buildargs: spec.buildArgs,
      rm: true,
      forcerm: true,
      abortSignal: signal,
    };
    if (spec.target) options.target = spec.target;
    const stream = (await this.docker.buildImage(context as unknown as NodeJS.ReadableStream, options)) as Readable;
    const onAbort = () => stream.destroy(new Error('build aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    // Docker cuts build output into events anywhere, mid-line included: the pieces are joined
    // again so a line is handed over whole (and one without an end is still handed over, bounded).
    let partial = '';
    const flushPartial = () => {
      if (partial !== '') onLine('stdout', partial);
      partial = '';
    };
    try {
      await followProgress(stream, (event) => {
        if (event.stream !== undefined) {
          const lines = (partial + event.stream).split('\n');
          partial = lines.pop() ?? '';
          for (const line of lines) onLine('stdout', line);
          if (partial.length > DEPLOYMENT_LOG_LINE_MAX_CHARS * 2) flushPartial();
        } else if (event.status) {
          flushPartial();
          onLine('stdout', event.status);
        }
      });
    } finally {
      flushPartial();
      signal.removeEventListener('abort', onAbort);
    }
  }

  async ensureNetwork(): Promise<void> {
    await ensureZpanelNetwork(this.docker, this.names);
  }

  async startContainer(spec: ContainerSpec): Promise<void> {
    const hostConfig: Docker.HostConfig = {
      Init: true,
      RestartPolicy: spec.restartPolicy === 'on-failure' ? { Name: 'on-failure', MaximumRetryCount: 5 } : { Name: RESTART[spec.restartPolicy] },
      NetworkMode: this.names.network,
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } },
    };
    if (spec.cpuLimit !== null) hostConfig.NanoCpus = Math.round(spec.cpuLimit * 1e9);
    if (spec.memoryLimitMb !== null) hostConfig.Memory = spec.memoryLimitMb * 1024 * 1024;
    const mounts = spec.mounts ?? { volumes: [], binds: [], files: [] };
    for (const volume of mounts.volumes) {
      // Created once with its labels (namespace, team, application, name); an existing volume is kept as it is, data and all.
      await this.docker.createVolume({ Name: volume.dockerName, Labels: volume.labels });
    }
    hostConfig.Mounts = [
      ...mounts.volumes.map((v) => ({ Type: 'volume' as const, Source: v.dockerName, Target: v.mountPath })),
      ...mounts.binds.map((b) => ({ Type: 'bind' as const, Source: b.source, Target: b.mountPath, ReadOnly: b.readOnly })),
    ];
    const container = await this.docker.createContainer({
      name: spec.name,
      Image: spec.image,
      Env: spec.env,
      Labels: spec.labels,
      ExposedPorts: { [`${spec.port}/tcp`]: {} },
      StopTimeout: spec.stopGraceSeconds,
      HostConfig: hostConfig,
      NetworkingConfig: { EndpointsConfig: { [this.names.network]: {} } },
    });
    if (mounts.files.length > 0) {
      // Through the archive API, so a file's content (a secret's too) is never in a command line;
      // Docker creates missing parent directories, inside the container's own root only.
      const archive = packTar(mounts.files.map((f) => ({ name: f.path.replace(/^\/+/, ''), mode: 0o444, content: f.content })));
      await container.putArchive(archive, { path: '/' });
    }
    await container.start();
  }

  async resolveHostPath(path: string): Promise<string | null> {
    if (!this.shell) throw new Error('resolving a host path needs a shell on the server');
    // Relative to the SSH user's home otherwise: only the checked absolute paths are ever asked for.
    if (!path.startsWith('/')) throw new Error('a host path to resolve must be absolute');
    // One argv: the path is one argument after `--`, quoted by the one helper over SSH.
    const result = await this.shell.exec(['realpath', '-e', '--', path], { timeoutMs: 15_000, maxBufferBytes: 64 * 1024 });
    if (result.exitCode !== 0) return null;
    const real = result.stdout.endsWith('\n') ? result.stdout.slice(0, -1) : result.stdout;
    return real.startsWith('/') ? real : null;
  }

  async removeAppVolumes(): Promise<number> {
    const { Volumes } = await this.docker.listVolumes({ filters: { label: this.appLabels('volume') } });
    let removed = 0;
    for (const volume of Volumes ?? []) {
      try {
        await this.docker.getVolume(volume.Name).remove();
        removed += 1;
      } catch (error) {
        if (statusCode(error) !== 404 && statusCode(error) !== 409) throw error;
      }
    }
    return removed;
  }

  async containerAddress(name: string): Promise<{ ip: string } | { exited: true; exitCode: number | null } | null> {
    let info: Docker.ContainerInspectInfo;
    try {
      info = await this.docker.getContainer(name).inspect();
    } catch (error) {
      if (statusCode(error) === 404) return null;
      throw error;
    }
    if (!info.State.Running || info.State.Restarting) return info.State.Running ? null : { exited: true, exitCode: info.State.ExitCode ?? null };
    const ip = info.NetworkSettings.Networks?.[this.names.network]?.IPAddress;
    return ip ? { ip } : null;
  }

  async containerLogTail(name: string, lines: number): Promise<string[]> {
    const logs = await this.containers.logs(name, { tail: lines });
    return `${logs.stdout}${logs.stderr}`.split('\n').filter((l) => l !== '');
  }

  async addAlias(name: string, alias: string): Promise<void> {
    const network = this.docker.getNetwork(this.names.network);
    // An alias is part of the network endpoint: the new container (serving nothing yet) is reconnected with it.
    await ignoring([404], () => network.disconnect({ Container: name, Force: true }));
    await network.connect({ Container: name, EndpointConfig: { Aliases: [alias] } });
  }

  async appContainers(): Promise<{ name: string; deploymentId: string | null; running: boolean }[]> {
    const list = await this.docker.listContainers({ all: true, filters: { label: this.appLabels('app') } });
    return list.map((c) => ({
      name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
      deploymentId: c.Labels?.[ZPANEL_LABELS.deployment] ?? null,
      running: c.State === 'running',
    }));
  }

  async refuseNewConnections(name: string): Promise<string | null> {
    const shell = this.shell;
    if (!shell) return 'no shell on the server';
    let info: Docker.ContainerInspectInfo;
    try {
      info = await this.docker.getContainer(name).inspect();
    } catch (error) {
      if (statusCode(error) === 404) return 'the container is gone';
      throw error;
    }
    const pid = info.State.Pid;
    if (!info.State.Running || info.State.Restarting || !Number.isInteger(pid) || pid <= 0) return 'the container is not running';
    // Inside the container's own network namespace: the rule leaves with the container and touches
    // nothing else on the server. Needs a user that may enter it (root). IPv4 only, as the Zpanel network is.
    const inContainerNetwork = (argv: string[]) =>
      shell.exec(['nsenter', `--target=${pid}`, '--net', '--', ...argv], { timeoutMs: 15_000, maxBufferBytes: 64 * 1024 });
    // A reset answers the handshake: the proxy sees a refused dial, which it retries on the new container,
    // whatever the method. Loopback stays open to the app's own processes.
    const rule = await inContainerNetwork([
      'iptables',
      '-w',
      '5',
      '-I',
      'INPUT',
      '!',
      '-i',
      'lo',
      '-p',
      'tcp',
      '--syn',
      '-j',
      'REJECT',
      '--reject-with',
      'tcp-reset',
    ]);
    if (rule.exitCode !== 0) return `iptables in its network namespace failed: ${lastLine(rule.stderr) || `exit code ${rule.exitCode}`}`;
    // Connections whose handshake completed just before are in the listeners' accept queues (Recv-Q of a
    // listening socket): once the app took them all, closing its listener can reset nothing it did not read.
    const deadline = Date.now() + ACCEPT_QUEUE_WAIT_MS;
    for (;;) {
      const listening = await inContainerNetwork(['ss', '-H', '-l', '-t', '-n']);
      if (listening.exitCode !== 0) return `ss in its network namespace failed: ${lastLine(listening.stderr) || `exit code ${listening.exitCode}`}`;
      const queued = listening.stdout
        .split('\n')
        .map((line) => Number(line.trim().split(/\s+/)[1] ?? 0) || 0)
        .reduce((sum, n) => sum + n, 0);
      if (queued === 0) return null;
      if (Date.now() >= deadline) return `${queued} connections still waited to be accepted after ${ACCEPT_QUEUE_WAIT_MS / 1000} s`;
      await new Promise((resolve) => setTimeout(resolve, ACCEPT_QUEUE_POLL_MS));
    }
  }

  async retireContainer(name: string, graceSeconds: number): Promise<void> {
    const container = this.docker.getContainer(name);
    // A stopping app finishes the requests it holds (SIGTERM, then SIGKILL after the grace period);
    // its endpoint, and so its share of the alias, goes with it.
    await ignoring([304, 404], () => container.stop({ t: graceSeconds }));
    await ignoring([404, 409], () => container.remove(REMOVE_WITH_ANONYMOUS_VOLUMES));
  }

  async removeContainer(name: string): Promise<void> {
    await ignoring([404, 409], () => this.docker.getContainer(name).remove(REMOVE_WITH_ANONYMOUS_VOLUMES));
  }

  async appImages(): Promise<AppImage[]> {
    const images = await this.docker.listImages({ filters: { label: this.appLabels('app-image') } });
    const repository = this.names.appImage('x', 'y').split('/')[0];
    return images
      .flatMap((image) =>
        (image.RepoTags ?? [])
          .filter((tag) => tag.startsWith(`${repository}/`))
          .map((reference) => ({
            reference,
            deploymentId: deploymentOfImageTag(reference),
            imageId: image.Id,
            created: new Date(image.Created * 1000),
          })),
      )
      .sort((a, b) => b.created.getTime() - a.created.getTime());
  }

  async removeImage(reference: string): Promise<boolean> {
    try {
      await this.docker.getImage(reference).remove();
      return true;
    } catch (error) {
      if (statusCode(error) === 409 || statusCode(error) === 404) return false;
      throw error;
    }
  }

  private appLabels(role: string): string[] {
    return [
      `${ZPANEL_LABELS.namespace}=${this.names.namespace}`,
      `${ZPANEL_LABELS.application}=${this.applicationId}`,
      `${ZPANEL_LABELS.role}=${role}`,
    ];
  }
}

/** Opens TCP connections from the server (SSH `direct-tcpip`): the server reaches its bridge networks. */
export type ServerTcpOpener = (host: string, port: number) => Promise<Duplex>;

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    work,
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms))),
  ]).finally(() => clearTimeout(timer));
}

/** TCP: a connection is accepted. HTTP: GET <path> answers 2xx or 3xx. Each within the check's timeout. */
export class SshHealthProber implements HealthProber {
  constructor(
    private readonly open: ServerTcpOpener,
    private readonly hostHeader: string,
  ) {}

  async probe(ip: string, port: number, check: HealthCheckSettings): Promise<{ ok: true } | { ok: false; detail: string }> {
    const timeoutMs = check.timeoutSeconds * 1000;
    let stream: Duplex | undefined;
    try {
      stream = await withTimeout(this.open(ip, port), timeoutMs, 'connecting');
      if (check.type === 'tcp') return { ok: true };
      const status = await withTimeout(this.httpStatus(stream, check.path ?? '/'), timeoutMs, 'the HTTP answer');
      return status >= 200 && status < 400 ? { ok: true } : { ok: false, detail: `HTTP ${status}` };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, detail: /refused|Connection refused|open failed/i.test(message) ? `connection refused on port ${port}` : message };
    } finally {
      stream?.destroy();
    }
  }

  private httpStatus(stream: Duplex, path: string): Promise<number> {
    return new Promise((resolve, reject) => {
      let head = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        head += chunk;
        const line = head.split('\r\n')[0];
        if (head.includes('\r\n') || head.length > 4096) {
          const match = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(line);
          if (match) resolve(Number(match[1]));
          else reject(new Error('not an HTTP answer'));
        }
      });
      stream.on('error', reject);
      stream.on('close', () => reject(new Error('the connection closed without an HTTP answer')));
      // The path is allowlisted (HEALTH_CHECK_PATH_PATTERN), the host header is the app's alias.
      stream.write(`GET ${path} HTTP/1.0\r\nHost: ${this.hostHeader}\r\nUser-Agent: zpanel-health\r\nConnection: close\r\n\r\n`);
    });
  }
}

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines[lines.length - 1] ?? '';
}
