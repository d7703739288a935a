import { injectionPayloads } from '@zpanel/core';
import {
  PROXY_ADMIN_SOCKET,
  ProxyConfigError,
  type ProxySite,
  UNKNOWN_HOST_BODY,
  buildCaddyConfig,
  configHash,
  serializeCaddyConfig,
} from './caddy-config';

interface Route {
  match?: { host: string[] }[];
  handle: Record<string, unknown>[];
  terminal: boolean;
}
interface Server {
  listen: string[];
  routes: Route[];
  automatic_https?: { disable?: boolean };
}
interface Config {
  admin: { listen: string; config: { persist: boolean } };
  apps: { http: { http_port: number; https_port: number; servers: Record<string, Server> }; tls?: unknown };
}

const SITES: ProxySite[] = [
  { alias: 'zp-web', port: 3000, domains: ['www.example.com', 'example.com'] },
  { alias: 'zp-api', port: 8080, domains: ['api.example.com'] },
];

const build = (sites: readonly ProxySite[], https = false) => buildCaddyConfig(sites, { https }) as unknown as Config;
const serverOf = (config: Config) => Object.values(config.apps.http.servers)[0];

describe(buildCaddyConfig.name, () => {
  it('routes each domain (a host matcher) to its app alias and port, retrying dials while an alias moves, on a new connection each time', () => {
    const routes = serverOf(build(SITES)).routes;
    expect(routes.slice(0, -1)).toEqual(
      [
        ['api.example.com', 'zp-api:8080'],
        ['example.com', 'zp-web:3000'],
        ['www.example.com', 'zp-web:3000'],
      ].map(([host, dial]) => ({
        match: [{ host: [host] }],
        handle: [
          {
            handler: 'reverse_proxy',
            upstreams: [{ dial }],
            load_balancing: { try_duration: '5s', try_interval: '250ms' },
            transport: { protocol: 'http', keep_alive: { enabled: false } },
          },
        ],
        terminal: true,
      })),
    );
  });

  it('ends with a catch-all that answers 404 for any host it does not know', () => {
    for (const sites of [SITES, []]) {
      const routes = serverOf(build(sites)).routes;
      const last = routes[routes.length - 1];
      expect(last.match).toBeUndefined();
      expect(last.handle).toEqual([
        { handler: 'static_response', status_code: 404, headers: { 'Content-Type': ['text/plain; charset=utf-8'] }, body: UNKNOWN_HOST_BODY },
      ]);
      expect(routes.filter((r) => r.match === undefined)).toHaveLength(1);
    }
  });

  it('with HTTPS off: plain HTTP on :80 only, automatic HTTPS (certificates, redirects) disabled', () => {
    const config = build(SITES, false);
    expect(serverOf(config).listen).toEqual([':80']);
    expect(serverOf(config).automatic_https).toEqual({ disable: true });
    expect(config.apps.tls).toBeUndefined();
  });

  it('with HTTPS on: serves :443 and leaves automatic certificates and the HTTP→HTTPS redirect on', () => {
    const config = build(SITES, true);
    expect(serverOf(config).listen).toEqual([':443']);
    expect(serverOf(config).automatic_https).toBeUndefined();
    expect(config.apps.http).toMatchObject({ http_port: 80, https_port: 443 });
    // ACME unless told otherwise; the local CA only on request.
    expect(config.apps.tls).toBeUndefined();
    expect((buildCaddyConfig(SITES, { https: true, internalCertificates: true }) as unknown as Config).apps.tls).toEqual({
      automation: { policies: [{ issuers: [{ module: 'internal' }] }] },
    });
    expect((buildCaddyConfig(SITES, { https: false, internalCertificates: true }) as unknown as Config).apps.tls).toBeUndefined();
  });

  it('keeps the admin API on a Unix socket inside the container, never on a TCP address', () => {
    const config = build(SITES);
    expect(config.admin.listen).toBe(`unix/${PROXY_ADMIN_SOCKET}`);
    expect(config.admin.listen).not.toMatch(/:\d+$/);
    expect(config.admin.config).toEqual({ persist: false });
  });

  it('gives the same bytes for the same sites in any order, and different bytes when anything changes', () => {
    const text = (sites: ProxySite[], https = false) => serializeCaddyConfig(buildCaddyConfig(sites, { https }));
    const reordered: ProxySite[] = [
      { alias: 'zp-api', port: 8080, domains: ['api.example.com'] },
      { alias: 'zp-web', port: 3000, domains: ['example.com', 'www.example.com'] },
    ];
    expect(text(reordered)).toBe(text(SITES));
    expect(configHash(text(reordered))).toBe(configHash(text(SITES)));
    const variants = [
      text([{ ...SITES[0], port: 3001 }, SITES[1]]),
      text([{ ...SITES[0], alias: 'zp-web2' }, SITES[1]]),
      text([{ ...SITES[0], domains: ['example.com'] }, SITES[1]]),
      text(SITES, true),
    ];
    for (const variant of variants) expect(variant).not.toBe(text(SITES));
  });

  it('carries odd but valid names as JSON data: they parse back unchanged', () => {
    const odd: ProxySite[] = [
      {
        alias: 'zt-proxy-0a1b2c-9-x',
        port: 65535,
        domains: [
          'xn--caf-dma.example',
          '0.example.com',
          'a--b.example.com',
          `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`,
          'x.y',
        ],
      },
      { alias: '1', port: 1, domains: ['1-1.example.org'] },
    ];
    const text = serializeCaddyConfig(buildCaddyConfig(odd, { https: false }));
    const parsed = JSON.parse(text) as Config;
    const routed = serverOf(parsed)
      .routes.filter((r) => r.match)
      .map((r) => [r.match?.[0].host[0], (r.handle[0].upstreams as { dial: string }[])[0].dial]);
    expect(routed).toEqual(
      [...odd[0].domains.map((d) => [d, 'zt-proxy-0a1b2c-9-x:65535']), ['1-1.example.org', '1:1']].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    );
  });

  it('refuses what no allowlist would accept instead of writing it into the config', () => {
    const canary = '/tmp/zpanel-proxy-canary';
    const bad = [
      ...injectionPayloads(canary),
      'Example.COM',
      '*.example.com',
      'example',
      'a..example.com',
      'example.com.',
      'ex ample.com',
      'example.com/x',
      'example.com:80',
      '',
      '\0.example.com',
    ];
    for (const domain of bad) {
      expect(() => buildCaddyConfig([{ alias: 'zp-web', port: 80, domains: [domain] }], { https: false })).toThrow(ProxyConfigError);
    }
    for (const alias of [...injectionPayloads(canary), 'ZP-web', 'zp_web', '-zp', 'zp-', 'a'.repeat(64), 'zp web', 'zp-web:80']) {
      expect(() => buildCaddyConfig([{ alias, port: 80, domains: ['ok.example.com'] }], { https: false })).toThrow(ProxyConfigError);
    }
    for (const port of [0, 65536, 80.5, Number.NaN, -1]) {
      expect(() => buildCaddyConfig([{ alias: 'zp-web', port, domains: ['ok.example.com'] }], { https: false })).toThrow(ProxyConfigError);
    }
  });

  it('refuses a domain routed to two places', () => {
    expect(() =>
      buildCaddyConfig(
        [
          { alias: 'zp-a', port: 80, domains: ['same.example.com'] },
          { alias: 'zp-b', port: 80, domains: ['same.example.com'] },
        ],
        { https: false },
      ),
    ).toThrow(/routed twice/);
  });
});
