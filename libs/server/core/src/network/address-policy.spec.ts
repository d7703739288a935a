import { loadConfig } from '../config/load-config';
import { AddressNotAllowedError, AddressPolicy, type AddressPolicySettings, gitUrlHost, parseCidr } from './address-policy';

const defaults = (): AddressPolicySettings =>
  loadConfig({ DATABASE_URL: 'postgres://127.0.0.1/z', ZPANEL_SECRET_KEY: Buffer.alloc(32).toString('base64') }).network;

describe(AddressPolicy.name, () => {
  const names: Record<string, string[]> = {
    'loopback.example': ['127.0.0.1'],
    'metadata.example': ['169.254.169.254'],
    'public.example': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
    'mixed.example': ['93.184.215.14', '127.0.0.1'],
  };
  const resolver = async (host: string) => {
    if (!names[host]) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return names[host];
  };
  const policy = new AddressPolicy(defaults(), resolver);

  it.each([
    ['127.0.0.1'],
    ['127.255.0.9'],
    ['::1'],
    ['::ffff:127.0.0.1'],
    ['0.0.0.0'],
    ['::'],
    ['169.254.169.254'],
    ['::ffff:169.254.169.254'],
    ['fe80::1'],
    ['100.100.100.200'],
    ['fd00:ec2::254'],
  ])('refuses %s for git and outbound URLs by default', (address) => {
    expect(policy.allows(address, 'outbound')).toBe(false);
  });

  it('lets servers use loopback by default (the instance managing its own Docker) but not link-local or metadata', () => {
    expect(policy.allows('127.0.0.1', 'server')).toBe(true);
    expect(policy.allows('::1', 'server')).toBe(true);
    expect(policy.allows('169.254.169.254', 'server')).toBe(false);
    expect(policy.allows('fd00:ec2::254', 'server')).toBe(false);
    expect(policy.allows('0.0.0.0', 'server')).toBe(false);
  });

  it('allows public and private addresses by default', () => {
    for (const address of ['93.184.215.14', '10.1.2.3', '192.168.1.10', '172.16.0.5', '2606:4700::1111', 'fd12::1']) {
      expect(policy.allows(address, 'outbound')).toBe(true);
    }
  });

  it('lets the allowed ranges through a deny list, and honours operator deny lists', () => {
    const custom = new AddressPolicy(
      {
        allowedCidrs: ['127.0.0.0/8', '::1/128'],
        outboundDeniedCidrs: [...defaults().outboundDeniedCidrs, '10.0.0.0/8'],
        serverDeniedCidrs: ['192.168.0.0/16'],
      },
      resolver,
    );
    expect(custom.allows('127.0.0.1', 'outbound')).toBe(true);
    expect(custom.allows('::1', 'outbound')).toBe(true);
    expect(custom.allows('169.254.169.254', 'outbound')).toBe(false);
    expect(custom.allows('10.9.9.9', 'outbound')).toBe(false);
    expect(custom.allows('192.168.3.4', 'server')).toBe(false);
    expect(custom.allows('192.168.3.4', 'outbound')).toBe(true);
  });

  it('refuses anything that is not an IP address', () => {
    expect(policy.allows('localhost', 'server')).toBe(false);
    expect(policy.allows('', 'outbound')).toBe(false);
  });

  it('resolves a name and refuses it when any of its addresses is denied', async () => {
    await expect(policy.resolve('public.example', 'outbound')).resolves.toEqual(names['public.example']);
    await expect(policy.resolve('loopback.example', 'outbound')).rejects.toMatchObject({ reason: 'denied' });
    await expect(policy.resolve('mixed.example', 'outbound')).rejects.toBeInstanceOf(AddressNotAllowedError);
    await expect(policy.resolve('metadata.example', 'server')).rejects.toMatchObject({ reason: 'denied' });
    await expect(policy.resolve('[::1]', 'outbound')).rejects.toMatchObject({ reason: 'denied' });
    await expect(policy.resolve('nowhere.example', 'outbound')).rejects.toMatchObject({ reason: 'unresolved' });
  });

  it('names the problem at save time for denied addresses only (a name that does not resolve yet is checked at connect time)', async () => {
    expect(await policy.problem('loopback.example', 'outbound')).toMatch(/does not connect to/);
    expect(await policy.problem('169.254.169.254', 'server')).toMatch(/does not connect to/);
    expect(await policy.problem('public.example', 'outbound')).toBeNull();
    expect(await policy.problem('nowhere.example', 'outbound')).toBeNull();
  });

  it('resolves localhost through the system resolver to a denied address', async () => {
    await expect(new AddressPolicy(defaults()).resolve('localhost', 'outbound')).rejects.toMatchObject({ reason: 'denied' });
  });
});

describe(parseCidr.name, () => {
  it('reads ranges and single addresses, and nothing else', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseCidr('::1')).toEqual({ address: '::1', prefix: 128, family: 'ipv6' });
    for (const bad of ['10.0.0.0/33', '::/129', 'example.com', '10.0.0.0/', '10.0.0.0/8/8', '1.2.3.4/-1', '']) expect(parseCidr(bad)).toBeNull();
  });
});

describe(gitUrlHost.name, () => {
  it('finds the host and port of every accepted git URL form', () => {
    expect(gitUrlHost('https://github.com/org/repo.git')).toEqual({ host: 'github.com', port: null });
    expect(gitUrlHost('http://127.0.0.1:8080/repo.git')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(gitUrlHost('ssh://git@[::1]:2222/org/repo.git')).toEqual({ host: '::1', port: 2222 });
    expect(gitUrlHost('git@github.com:org/repo.git')).toEqual({ host: 'github.com', port: null });
  });
});
