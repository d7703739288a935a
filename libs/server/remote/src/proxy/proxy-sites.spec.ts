import { injectionPayloads, zpanelDockerNames } from '@zpanel/core';
import { buildCaddyConfig, serializeCaddyConfig } from './caddy-config';
import { proxySitesFrom } from './proxy-sites';

const names = zpanelDockerNames('zt-sites');

describe(proxySitesFrom.name, () => {
  it('maps each application to its alias, port and sorted domains; applications without domains route nothing', () => {
    const { sites, refused } = proxySitesFrom(
      [
        { id: 'b', name: 'api', port: 8080, domains: ['api.example.com'] },
        { id: 'a', name: 'web', port: 3000, domains: ['www.example.com', 'example.com'] },
        { id: 'c', name: 'worker', port: 9000, domains: [] },
      ],
      names,
    );
    expect(refused).toEqual([]);
    expect(sites).toEqual([
      { alias: 'zt-sites-web', port: 3000, domains: ['example.com', 'www.example.com'] },
      { alias: 'zt-sites-api', port: 8080, domains: ['api.example.com'] },
    ]);
    expect(names.appAlias('web')).toBe('zt-sites-web');
  });

  it('leaves out every injection payload stored as a domain, keeps the good ones, and never repeats the value', () => {
    const canary = '/tmp/zpanel-proxy-sites-canary';
    const payloads = injectionPayloads(canary);
    const { sites, refused } = proxySitesFrom([{ id: 'a', name: 'web', port: 3000, domains: ['ok.example.com', ...payloads] }], names);
    expect(sites).toEqual([{ alias: 'zt-sites-web', port: 3000, domains: ['ok.example.com'] }]);
    expect(refused).toHaveLength(payloads.length);
    expect(refused.every((r) => r.applicationId === 'a' && r.field === 'domains')).toBe(true);
    expect(JSON.stringify(refused)).not.toContain(canary);
    const config = serializeCaddyConfig(buildCaddyConfig(sites, { https: false }));
    expect(config).not.toContain(canary);
    expect(config).not.toContain('passwd');
  });

  it('leaves out a whole application whose name or port would not be a valid upstream', () => {
    const canary = '/tmp/zpanel-proxy-name-canary';
    const { sites, refused } = proxySitesFrom(
      [
        ...injectionPayloads(canary).map((name, i) => ({ id: `n${String(i).padStart(3, '0')}`, name, port: 80, domains: [`n${i}.example.com`] })),
        { id: 'p1', name: 'zero', port: 0, domains: ['zero.example.com'] },
        { id: 'p2', name: 'big', port: 70000, domains: ['big.example.com'] },
        { id: 'z', name: 'good', port: 80, domains: ['good.example.com'] },
      ],
      names,
    );
    expect(sites).toEqual([{ alias: 'zt-sites-good', port: 80, domains: ['good.example.com'] }]);
    expect(refused.filter((r) => r.field === 'name')).toHaveLength(injectionPayloads(canary).length);
    expect(refused.filter((r) => r.field === 'port').map((r) => r.applicationId)).toEqual(['p1', 'p2']);
  });

  it('routes a domain claimed twice to the first application by id only, whatever the input order', () => {
    const apps = [
      { id: '2', name: 'second', port: 80, domains: ['same.example.com', 'second.example.com'] },
      { id: '1', name: 'first', port: 80, domains: ['same.example.com'] },
    ];
    for (const input of [apps, [...apps].reverse()]) {
      const { sites, refused } = proxySitesFrom(input, names);
      expect(sites).toEqual([
        { alias: 'zt-sites-first', port: 80, domains: ['same.example.com'] },
        { alias: 'zt-sites-second', port: 80, domains: ['second.example.com'] },
      ]);
      expect(refused).toEqual([{ applicationId: '2', field: 'domains', reason: 'already routed to another application' }]);
    }
  });
});
