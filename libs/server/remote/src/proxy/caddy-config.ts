import { createHash } from 'node:crypto';
import { domainName } from '@zpanel/core';

/** What the proxy routes: an application's domains to its stable network alias and port. */
export interface ProxySite {
  /** The app's alias on the Zpanel network (`zpanelDockerNames().appAlias(name)`). */
  alias: string;
  port: number;
  domains: readonly string[];
}

export interface CaddyConfigOptions {
  /** Automatic certificates and HTTP→HTTPS redirects; off: plain HTTP on :80 only. */
  https: boolean;
  /**
   * Certificates from Caddy's own local CA instead of ACME (only with `https`): for networks no
   * ACME server can reach, and for tests, which must not call Let's Encrypt.
   */
  internalCertificates?: boolean;
}

/** Where the config lives inside the proxy container; see DockerProxyConfigurator for why a file. */
export const PROXY_CONFIG_DIR = '/etc/zpanel-proxy';
export const PROXY_CONFIG_FILE = `${PROXY_CONFIG_DIR}/caddy.json`;
/**
 * Caddy's admin API listens on this Unix socket inside the container, and nowhere else: app
 * containers share the proxy's network, and an admin API they could reach would let any app
 * rewrite every other app's routing. Only `docker exec` (root on the server) reaches the socket.
 */
export const PROXY_ADMIN_SOCKET = `${PROXY_CONFIG_DIR}/admin.sock`;

/** How long a request waits for a dial to succeed: covers the instant an alias moves between containers. */
export const UPSTREAM_TRY_DURATION = '5s';
export const UPSTREAM_TRY_INTERVAL = '250ms';
export const UNKNOWN_HOST_BODY = 'No application is served at this address.\n';

/** Caddy's server name in the config; also the one its logs use. */
const SERVER_NAME = 'zpanel';
/** A network alias is one DNS label. */
const ALIAS = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export class ProxyConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid proxy sites: ${problems.join('; ')}`);
    this.name = 'ProxyConfigError';
  }
}

/** Refuses anything the allowlists would not have accepted, however it got here. */
function assertSites(sites: readonly ProxySite[]): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  sites.forEach((site, index) => {
    if (typeof site.alias !== 'string' || !ALIAS.test(site.alias)) problems.push(`sites[${index}].alias must be a DNS label`);
    if (!Number.isInteger(site.port) || site.port < 1 || site.port > 65535) problems.push(`sites[${index}].port must be 1-65535`);
    site.domains.forEach((domain, d) => {
      if (domainName(domain) !== null) problems.push(`sites[${index}].domains[${d}] is not a domain name`);
      else if (seen.has(domain)) problems.push(`sites[${index}].domains[${d}] is routed twice`);
      else seen.add(domain);
    });
  });
  if (problems.length > 0) throw new ProxyConfigError(problems);
}

/**
 * The whole Caddy config (JSON, as an object) for a server's applications: one route per domain
 * (a host matcher) to `<alias>:<port>`, retried while the alias is briefly unreachable, then a
 * catch-all answering 404. Values only ever become JSON strings, never config text. The output is
 * deterministic (sorted), so an unchanged set of sites gives the same bytes and no reload.
 */
export function buildCaddyConfig(sites: readonly ProxySite[], options: CaddyConfigOptions): Record<string, unknown> {
  assertSites(sites);
  const routes: Record<string, unknown>[] = sites
    .flatMap((site) => site.domains.map((domain) => ({ domain, dial: `${site.alias}:${site.port}` })))
    .sort((a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0))
    .map(({ domain, dial }) => ({
      match: [{ host: [domain] }],
      handle: [
        {
          handler: 'reverse_proxy',
          upstreams: [{ dial }],
          // A dial refused while the alias moves to the new container is retried, not answered 502.
          load_balancing: { try_duration: UPSTREAM_TRY_DURATION, try_interval: UPSTREAM_TRY_INTERVAL },
          // A new connection to the app for each request, as nginx does by default: a connection pooled to a
          // container being retired would carry a request past its refusal of new connections (docs/architecture.md,
          // "retire"), and Caddy 2.6 answers 502 to a request with a body that fails on it.
          transport: { protocol: 'http', keep_alive: { enabled: false } },
        },
      ],
      terminal: true,
    }));
  routes.push({
    handle: [{ handler: 'static_response', status_code: 404, headers: { 'Content-Type': ['text/plain; charset=utf-8'] }, body: UNKNOWN_HOST_BODY }],
    terminal: true,
  });

  const server: Record<string, unknown> = options.https
    ? // Caddy adds the :80 server that redirects to HTTPS (and answers ACME challenges) by itself.
      { listen: [':443'], routes }
    : { listen: [':80'], routes, automatic_https: { disable: true } };

  const apps: Record<string, unknown> = { http: { http_port: 80, https_port: 443, servers: { [SERVER_NAME]: server } } };
  if (options.https && options.internalCertificates) apps.tls = { automation: { policies: [{ issuers: [{ module: 'internal' }] }] } };

  return {
    // The config is kept in a file Zpanel writes (loaded again at restart): Caddy's own copy is not needed.
    admin: { listen: `unix/${PROXY_ADMIN_SOCKET}`, config: { persist: false } },
    apps,
  };
}

/** The bytes written to the container; compared with the applied ones to decide on a reload. */
export function serializeCaddyConfig(config: Record<string, unknown>): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}

export function configHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
