import { FakeProxyConfigurator } from './fake-proxy-configurator';
import { type DesiredProxy, type ObservedProxy, planProxySync } from './proxy-configurator';

const desired: DesiredProxy = { imageId: 'sha256:caddy', specHash: 'spec-1', config: '{"routes":1}\n' };
const running = (over: Partial<NonNullable<ObservedProxy['container']>> = {}): ObservedProxy['container'] => ({
  running: true,
  onNetwork: true,
  imageId: desired.imageId,
  specHash: desired.specHash,
  ...over,
});

describe(planProxySync.name, () => {
  it('does nothing at all when the proxy runs with the same image, settings and config', () => {
    expect(planProxySync({ networkExists: true, container: running(), appliedConfig: desired.config }, desired)).toEqual({
      createNetwork: false,
      container: 'keep',
      reload: false,
    });
  });

  it('reloads a running proxy only when its applied config differs (or is unknown)', () => {
    expect(planProxySync({ networkExists: true, container: running(), appliedConfig: '{"routes":0}\n' }, desired)).toEqual({
      createNetwork: false,
      container: 'keep',
      reload: true,
    });
    expect(planProxySync({ networkExists: true, container: running() }, desired)).toEqual({ createNetwork: false, container: 'keep', reload: true });
  });

  it('creates network and container on a fresh server, the config in place before the start (no reload)', () => {
    expect(planProxySync({ networkExists: false }, desired)).toEqual({ createNetwork: true, container: 'create', reload: false });
    expect(planProxySync({ networkExists: true }, desired)).toEqual({ createNetwork: false, container: 'create', reload: false });
  });

  it('recreates the container when its image, settings or network changed', () => {
    const base = { networkExists: true, appliedConfig: desired.config };
    expect(planProxySync({ ...base, container: running({ imageId: 'sha256:old' }) }, desired)).toEqual({
      createNetwork: false,
      container: 'recreate',
      recreateBecause: 'image',
      reload: false,
    });
    expect(planProxySync({ ...base, container: running({ specHash: 'spec-0' }) }, desired)).toEqual({
      createNetwork: false,
      container: 'recreate',
      recreateBecause: 'settings',
      reload: false,
    });
    expect(planProxySync({ ...base, container: running({ specHash: undefined }) }, desired)).toMatchObject({
      container: 'recreate',
      recreateBecause: 'settings',
    });
    expect(planProxySync({ ...base, container: running({ onNetwork: false }) }, desired)).toMatchObject({
      container: 'recreate',
      recreateBecause: 'network',
    });
    expect(planProxySync({ ...base, networkExists: false, container: running() }, desired)).toEqual({
      createNetwork: true,
      container: 'recreate',
      recreateBecause: 'network',
      reload: false,
    });
  });

  it('starts a stopped proxy, which comes back with its last applied config: a reload only if that differs', () => {
    expect(planProxySync({ networkExists: true, container: running({ running: false }), appliedConfig: desired.config }, desired)).toEqual({
      createNetwork: false,
      container: 'start',
      reload: false,
    });
    expect(planProxySync({ networkExists: true, container: running({ running: false }), appliedConfig: 'old' }, desired)).toEqual({
      createNetwork: false,
      container: 'start',
      reload: true,
    });
  });
});

describe(FakeProxyConfigurator.name, () => {
  const sites = [{ alias: 'zp-web', port: 3000, domains: ['web.example.com'] }];

  it('loads at creation, does not reload an unchanged config, reloads a changed one', async () => {
    const proxy = new FakeProxyConfigurator();
    expect(await proxy.sync(sites)).toMatchObject({ network: 'created', container: 'created', config: 'loaded', routes: 1 });
    const again = await proxy.sync(sites);
    expect(again).toMatchObject({ network: 'kept', container: 'kept', config: 'unchanged' });
    expect(proxy.reloads).toBe(0);
    expect(await proxy.sync([{ ...sites[0], domains: ['web.example.com', 'www.example.com'] }])).toMatchObject({
      container: 'kept',
      config: 'reloaded',
      routes: 2,
    });
    expect(proxy.reloads).toBe(1);
    expect(proxy.routedHosts()).toEqual(['web.example.com', 'www.example.com']);
    expect(proxy.applied).toHaveLength(2);
  });

  it('recreates instead of reloading when the image changed; a failed sync changes nothing', async () => {
    const proxy = new FakeProxyConfigurator();
    await proxy.sync(sites);
    proxy.changeImage('sha256:new');
    expect(await proxy.sync(sites)).toMatchObject({ container: 'recreated', config: 'loaded' });
    expect(proxy.reloads).toBe(0);
    proxy.failNext(new Error('unreachable'));
    await expect(proxy.sync([])).rejects.toThrow('unreachable');
    expect(proxy.routedHosts()).toEqual(['web.example.com']);
  });
});
