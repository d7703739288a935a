import { zpanelDockerNames } from './zpanel-names';

describe(zpanelDockerNames.name, () => {
  const deploymentId = '0f8e2a4c-1b3d-4e5f-8a9b-0c1d2e3f4a5b';

  it('uses the documented names in the default namespace', () => {
    const names = zpanelDockerNames();
    expect(names.network).toBe('zpanel');
    expect(names.proxyContainer).toBe('zpanel-proxy');
    expect(names.appAlias('web')).toBe('zp-web');
    expect(names.appContainer('web', deploymentId)).toBe('zp-web-0f8e2a4c1b3d');
    expect(names.appImage('web', deploymentId)).toBe(`zp/web:${deploymentId}`);
    expect(names.databaseAlias(deploymentId)).toBe('zp-database-0f8e2a4c1b3d4e5f8a9b0c1d2e3f4a5b');
    expect(names.databaseVolume(deploymentId)).toBe('zp-database-0f8e2a4c1b3d4e5f8a9b0c1d2e3f4a5b-data');
  });

  it("never gives a database an application's alias, even in the longest namespace", () => {
    const names = zpanelDockerNames('n'.repeat(20));
    const longestApp = 'a'.repeat(40);
    const alias = names.databaseAlias(deploymentId);
    expect(alias.length).toBeGreaterThan(names.appAlias(longestApp).length);
    // Still one DNS label.
    expect(alias.length).toBeLessThanOrEqual(63);
  });

  it('refuses a database id that is not a UUID', () => {
    const names = zpanelDockerNames();
    for (const bad of ['', 'main-db', '../x', `${deploymentId};rm`, deploymentId.slice(1)]) {
      expect(() => names.databaseAlias(bad)).toThrow('invalid database id');
      expect(() => names.databaseVolume(bad)).toThrow('invalid database id');
    }
  });

  it("names an application's volume from its id and the volume's name, refusing anything else", () => {
    const names = zpanelDockerNames();
    expect(names.appVolume(deploymentId, 'data')).toBe('zp-volume-0f8e2a4c1b3d4e5f8a9b0c1d2e3f4a5b-data');
    expect(zpanelDockerNames('zt-a1').appVolume(deploymentId, 'pg-2')).toBe('zt-a1-volume-0f8e2a4c1b3d4e5f8a9b0c1d2e3f4a5b-pg-2');
    for (const bad of ['', 'Data', '../x', 'a;touch /tmp/pwned', '-x', 'x'.repeat(41)])
      expect(() => names.appVolume(deploymentId, bad)).toThrow('invalid volume name');
    expect(() => names.appVolume('web', 'data')).toThrow('invalid id');
  });

  it('keeps two namespaces on one Docker host apart', () => {
    const a = zpanelDockerNames('zt-a1');
    const b = zpanelDockerNames('zt-b2');
    for (const pick of [
      (n: typeof a) => n.network,
      (n: typeof a) => n.proxyContainer,
      (n: typeof a) => n.appAlias('web'),
      (n: typeof a) => n.appContainer('web', deploymentId),
      (n: typeof a) => n.appImage('web', deploymentId),
      (n: typeof a) => n.databaseAlias(deploymentId),
      (n: typeof a) => n.databaseVolume(deploymentId),
      (n: typeof a) => n.appVolume(deploymentId, 'data'),
    ]) {
      expect(pick(a)).not.toBe(pick(b));
    }
  });

  it('refuses a namespace that is not a short slug', () => {
    for (const bad of ['', 'Zpanel', '-x', 'a b', 'a;touch /tmp/pwned', 'x'.repeat(21)]) {
      expect(() => zpanelDockerNames(bad)).toThrow('invalid Docker namespace');
    }
  });
});
