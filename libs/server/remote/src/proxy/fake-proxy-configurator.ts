import { type CaddyConfigOptions, type ProxySite, buildCaddyConfig, configHash, serializeCaddyConfig } from './caddy-config';
import { type ObservedProxy, type ProxyConfigurator, type ProxySyncResult, planProxySync } from './proxy-configurator';

/**
 * In-memory `ProxyConfigurator` for unit tests: one server's network, proxy container and applied
 * config as plain state, driven by the same builder and the same decision as the real one.
 * `reloads` counts loads into a running proxy; `failNext` makes the next sync throw (a server that
 * cannot be reached, or a config Caddy refuses) without changing anything.
 */
export class FakeProxyConfigurator implements ProxyConfigurator {
  readonly state: ObservedProxy = { networkExists: false };
  /** Every config the proxy was given, in order (at container start or by reload). */
  readonly applied: string[] = [];
  /** The sites of each sync call. */
  readonly calls: ProxySite[][] = [];
  reloads = 0;
  private failure?: Error;

  constructor(
    private readonly options: CaddyConfigOptions = { https: false },
    private imageId = 'sha256:fake-caddy',
    private specHash = 'fake-spec',
  ) {}

  /** As if the image or the container settings changed on the instance. */
  changeImage(imageId: string): void {
    this.imageId = imageId;
  }

  changeSettings(specHash: string): void {
    this.specHash = specHash;
  }

  failNext(error: Error): void {
    this.failure = error;
  }

  /** The sites the current config routes, read back from the applied JSON. */
  routedHosts(): string[] {
    const current = this.state.appliedConfig;
    if (!current) return [];
    const routes = (JSON.parse(current) as { apps: { http: { servers: Record<string, { routes: { match?: { host: string[] }[] }[] }> } } }).apps.http
      .servers;
    return Object.values(routes).flatMap((s) => s.routes.flatMap((r) => r.match?.flatMap((m) => m.host) ?? []));
  }

  async sync(sites: readonly ProxySite[]): Promise<ProxySyncResult> {
    this.calls.push(sites.map((s) => ({ ...s, domains: [...s.domains] })));
    if (this.failure) {
      const failure = this.failure;
      this.failure = undefined;
      throw failure;
    }
    const config = serializeCaddyConfig(buildCaddyConfig(sites, this.options));
    const plan = planProxySync(structuredClone(this.state), { imageId: this.imageId, specHash: this.specHash, config });
    const network = plan.createNetwork ? 'created' : 'kept';
    this.state.networkExists = true;
    let outcome: ProxySyncResult['config'] = 'unchanged';
    if (plan.container === 'create' || plan.container === 'recreate') {
      this.state.container = { running: true, onNetwork: true, imageId: this.imageId, specHash: this.specHash };
      outcome = 'loaded';
    } else if (this.state.container) {
      this.state.container.running = true;
      if (plan.reload) {
        this.reloads += 1;
        outcome = 'reloaded';
      }
    }
    if (outcome !== 'unchanged') {
      this.state.appliedConfig = config;
      this.applied.push(config);
    }
    return {
      network,
      container: ({ create: 'created', recreate: 'recreated', start: 'started', keep: 'kept' } as const)[plan.container],
      config: outcome,
      configHash: configHash(config),
      routes: sites.reduce((n, s) => n + s.domains.length, 0),
      durationMs: 0,
    };
  }
}
