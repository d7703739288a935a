import { createHash } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { ZPANEL_LABELS } from '@zpanel/core';
import type Docker from 'dockerode';
import { ZPANEL_MANAGED_LABEL } from '../docker/containers';
import { LogFrameDemuxer } from '../docker/log-demux';
import { ensureZpanelNetwork, zpanelNetworkExists } from '../docker/zpanel-network';
import { PROXY_CONFIG_DIR, PROXY_CONFIG_FILE, buildCaddyConfig, configHash, serializeCaddyConfig, type ProxySite } from './caddy-config';
import { type ObservedProxy, type ProxyConfigurator, type ProxySettings, type ProxySyncResult, planProxySync } from './proxy-configurator';
import { firstFileOfTar, packTar } from './small-tar';

/** Hash of the settings a proxy container was created with; a different one means recreate. */
export const PROXY_SPEC_LABEL = 'zpanel.proxy.spec';
export const PROXY_ROLE = 'proxy';
/** Both the official image and the test one have the binary here. */
const CADDY_BINARY = '/usr/bin/caddy';
/** Written first and loaded; copied to PROXY_CONFIG_FILE only once Caddy accepted it. */
const NEXT_CONFIG_NAME = 'caddy.next.json';
const CONFIG_NAME = PROXY_CONFIG_FILE.slice(PROXY_CONFIG_DIR.length + 1);
const CONFIG_PARENT = PROXY_CONFIG_DIR.slice(0, PROXY_CONFIG_DIR.lastIndexOf('/'));
const CONFIG_DIR_NAME = PROXY_CONFIG_DIR.slice(CONFIG_PARENT.length + 1);
const EXEC_OUTPUT_MAX = 64 * 1024;
/** In-flight requests get this long to finish when the container is replaced. */
const STOP_GRACE_SECONDS = 5;

export class ProxyError extends Error {
  constructor(
    message: string,
    readonly output?: string,
  ) {
    super(message);
    this.name = 'ProxyError';
  }
}

/** The named volume keeping Caddy's certificates and ACME account across container replacements. */
export function proxyDataVolume(settings: Pick<ProxySettings, 'names'>): string {
  return `${settings.names.proxyContainer}-data`;
}

function statusCode(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

async function notFoundAsUndefined<T>(run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    if (statusCode(error) === 404) return undefined;
    throw error;
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/**
 * The real proxy of a server, through its Docker Engine API (over the pooled SSH connection).
 *
 * How the config gets into Caddy, and why this way: Caddy's admin API listens only on a Unix
 * socket inside the container (PROXY_ADMIN_SOCKET), so no app container on the shared network can
 * reach it. Zpanel copies the JSON into the container with the archive API and runs
 * `caddy reload --config <file>` there with `docker exec` (the image has no shell, curl or wget;
 * the caddy binary is the client). The accepted config stays in the container as the file Caddy is
 * started with, so a restart (reboot, crash) comes back with the last routes, and comparing that
 * file with the new config is how an unchanged sync knows to do nothing.
 */
export class DockerProxyConfigurator implements ProxyConfigurator {
  private readonly execTimeoutMs: number;

  constructor(
    private readonly docker: Docker,
    private readonly settings: ProxySettings,
    options: { execTimeoutMs?: number } = {},
  ) {
    this.execTimeoutMs = options.execTimeoutMs ?? 30_000;
  }

  async sync(sites: readonly ProxySite[]): Promise<ProxySyncResult> {
    const startedAt = performance.now();
    const { names } = this.settings;
    const config = serializeCaddyConfig(
      buildCaddyConfig(sites, { https: this.settings.https, internalCertificates: this.settings.internalCertificates }),
    );
    const imageId = await this.ensureImage();
    const spec = this.containerSpec();
    const specHash = createHash('sha256').update(JSON.stringify(spec)).digest('hex');
    const plan = planProxySync(await this.observe(), { imageId, specHash, config });

    const network = plan.createNetwork ? await ensureZpanelNetwork(this.docker, names) : 'kept';
    const container = this.docker.getContainer(names.proxyContainer);
    let configOutcome: ProxySyncResult['config'] = 'unchanged';
    if (plan.container === 'recreate') {
      await container.stop({ t: STOP_GRACE_SECONDS }).catch((error: unknown) => {
        if (statusCode(error) !== 304 && statusCode(error) !== 404) throw error;
      });
      await container.remove({ force: true, v: true });
    }
    if (plan.container === 'create' || plan.container === 'recreate') {
      await this.docker.createVolume({ Name: proxyDataVolume(this.settings), Labels: this.labels() });
      const created = await this.docker.createContainer({
        name: names.proxyContainer,
        ...spec,
        Labels: { ...spec.Labels, [PROXY_SPEC_LABEL]: specHash },
      });
      // In place before the first start: Caddy never runs a moment without its routes.
      await created.putArchive(this.configArchive(CONFIG_NAME, config), { path: CONFIG_PARENT });
      await created.start();
      configOutcome = 'loaded';
    } else {
      if (plan.container === 'start') await container.start();
      if (plan.reload) {
        await this.reload(container, config, plan.container === 'start');
        configOutcome = 'reloaded';
      }
    }
    const containerOutcome = ({ create: 'created', recreate: 'recreated', start: 'started', keep: 'kept' } as const)[plan.container];
    return {
      network,
      container: containerOutcome,
      config: configOutcome,
      configHash: configHash(config),
      routes: sites.reduce((n, s) => n + s.domains.length, 0),
      durationMs: Math.round(performance.now() - startedAt),
    };
  }

  /** What a container is created with; its hash (label) tells a later sync whether the settings changed. */
  private containerSpec() {
    const { names, https, httpPort, httpsPort } = this.settings;
    const bindings: Record<string, { HostPort: string }[]> = { '80/tcp': [{ HostPort: String(httpPort) }] };
    if (https) {
      bindings['443/tcp'] = [{ HostPort: String(httpsPort) }];
      // HTTP/3.
      bindings['443/udp'] = [{ HostPort: String(httpsPort) }];
    }
    return {
      Image: this.settings.image,
      Entrypoint: [CADDY_BINARY],
      Cmd: ['run', '--config', PROXY_CONFIG_FILE],
      Labels: this.labels(),
      ExposedPorts: Object.fromEntries(Object.keys(bindings).map((port) => [port, {}])),
      HostConfig: {
        NetworkMode: names.network,
        PortBindings: bindings,
        RestartPolicy: { Name: 'unless-stopped' },
        Mounts: [{ Type: 'volume' as const, Source: proxyDataVolume(this.settings), Target: '/data' }],
        // Binding :80/:443 is all it needs.
        CapDrop: ['ALL'],
        CapAdd: ['NET_BIND_SERVICE'],
        SecurityOpt: ['no-new-privileges'],
        // A proxy logs every config load and error: keep that from filling the disk.
        LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } },
      },
    };
  }

  private labels(): Record<string, string> {
    return { [ZPANEL_MANAGED_LABEL]: 'true', [ZPANEL_LABELS.namespace]: this.settings.names.namespace, [ZPANEL_LABELS.role]: PROXY_ROLE };
  }

  /** The image's id, pulling it first when the server does not have it. */
  private async ensureImage(): Promise<string> {
    const image = this.docker.getImage(this.settings.image);
    const present = await notFoundAsUndefined(() => image.inspect());
    if (present) return present.Id;
    try {
      const stream = await this.docker.pull(this.settings.image);
      await new Promise<void>((resolve, reject) =>
        this.docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve())),
      );
    } catch (error) {
      throw new ProxyError(`could not pull the proxy image ${this.settings.image}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return (await image.inspect()).Id;
  }

  private async observe(): Promise<ObservedProxy> {
    const { names } = this.settings;
    const networkExists = await zpanelNetworkExists(this.docker, names);
    const container = this.docker.getContainer(names.proxyContainer);
    const info = await notFoundAsUndefined(() => container.inspect());
    if (!info) return { networkExists };
    // Never replace a container Zpanel did not make, even if its name matches.
    if (info.Config?.Labels?.[ZPANEL_LABELS.namespace] !== names.namespace || info.Config?.Labels?.[ZPANEL_LABELS.role] !== PROXY_ROLE) {
      throw new ProxyError(`a container named ${names.proxyContainer} exists that Zpanel did not create: rename or remove it`);
    }
    const archive = await notFoundAsUndefined(async () => readAll(await container.getArchive({ path: PROXY_CONFIG_FILE })));
    return {
      networkExists,
      container: {
        running: info.State?.Running === true,
        onNetwork: Boolean(info.NetworkSettings?.Networks?.[names.network]),
        imageId: info.Image,
        specHash: info.Config?.Labels?.[PROXY_SPEC_LABEL],
      },
      appliedConfig: archive ? firstFileOfTar(archive)?.toString('utf8') : undefined,
    };
  }

  /**
   * Loads `config` into the running Caddy. The file Caddy restarts with is replaced only after it
   * accepted the new one, so a refused config leaves both the running routes and the file as they were.
   */
  private async reload(container: Docker.Container, config: string, justStarted: boolean): Promise<void> {
    await container.putArchive(this.configArchive(NEXT_CONFIG_NAME, config), { path: CONFIG_PARENT });
    const argv = [CADDY_BINARY, 'reload', '--config', `${PROXY_CONFIG_DIR}/${NEXT_CONFIG_NAME}`];
    // A container started a moment ago may not have opened its admin socket yet.
    const deadline = Date.now() + (justStarted ? 10_000 : 0);
    let outcome = await this.exec(container, argv);
    while (outcome.exitCode !== 0 && Date.now() < deadline && /admin\.sock|connection refused|no such file/i.test(outcome.output)) {
      await new Promise((r) => setTimeout(r, 200));
      outcome = await this.exec(container, argv);
    }
    if (outcome.exitCode !== 0) throw new ProxyError(`Caddy refused the config (exit ${outcome.exitCode})`, outcome.output);
    await container.putArchive(this.configArchive(CONFIG_NAME, config), { path: CONFIG_PARENT });
  }

  private configArchive(file: string, config: string): Buffer {
    return packTar([
      { name: `${CONFIG_DIR_NAME}/`, mode: 0o700 },
      { name: `${CONFIG_DIR_NAME}/${file}`, mode: 0o600, content: Buffer.from(config, 'utf8') },
    ]);
  }

  /** Runs argv in the container (no shell), returning the exit code and the output, capped. */
  private async exec(container: Docker.Container, argv: string[]): Promise<{ exitCode: number | null; output: string }> {
    const exec = await container.exec({ Cmd: argv, AttachStdout: true, AttachStderr: true, Tty: false });
    const stream = (await exec.start({ hijack: true, stdin: false })) as Duplex;
    let output = '';
    const frames = new LogFrameDemuxer((_name, payload) => {
      if (output.length < EXEC_OUTPUT_MAX) output += payload.toString('utf8').slice(0, EXEC_OUTPUT_MAX - output.length);
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        stream.destroy();
        reject(new ProxyError(`${argv.slice(0, 2).join(' ')} did not finish within ${this.execTimeoutMs} ms`, output));
      }, this.execTimeoutMs);
      const done = (error?: Error) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      stream.on('data', (chunk: Buffer) => frames.push(chunk));
      stream.once('end', () => done());
      stream.once('close', () => done());
      stream.once('error', done);
    });
    const { ExitCode } = await exec.inspect();
    return { exitCode: ExitCode ?? null, output: output.trim() };
  }
}
