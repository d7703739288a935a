import { type Paginated, type ProblemDetails, type ProjectDto, type EnvironmentDto, type ServerDto, type SshKeyDto } from '@zpanel/contracts';
import { useOwnedStack } from '@zpanel/testing';

/**
 * The instance's default address policy (test stacks allow loopback; this one does not): git URLs
 * and servers that point at addresses the control plane must not reach are refused when saved.
 */
describe('Address policy by default (built api)', () => {
  const suite = useOwnedStack({ env: { OUTBOUND_ALLOWED_CIDRS: 'none' } });
  const { asOwner } = suite;
  let keyId: string;
  let serverId: string;
  let environmentId: string;

  const problemOf = (r: { status: number; body: unknown }) => ({
    status: r.status,
    fields: ((r.body as ProblemDetails).errors ?? []).map((e) => e.field),
    messages: ((r.body as ProblemDetails).errors ?? []).map((e) => e.message),
  });

  beforeAll(async () => {
    keyId = (await asOwner<SshKeyDto>('POST', '/api/v1/ssh-keys', { name: 'deploy' })).body.id;
    // Loopback is a server's ordinary address on a single box: allowed for servers by default.
    const server = await asOwner<ServerDto>('POST', '/api/v1/servers', { name: 'this-box', host: '127.0.0.1', sshKeyId: keyId });
    expect(server.status).toBe(201);
    serverId = server.body.id;
    const project = (await asOwner<ProjectDto>('POST', '/api/v1/projects', { name: 'shop' })).body;
    environmentId = (await asOwner<Paginated<EnvironmentDto>>('GET', `/api/v1/projects/${project.id}/environments`)).body.items[0].id;
  });

  const gitApp = (name: string, gitUrl: string) => ({
    environmentId,
    serverId,
    name,
    buildPack: 'dockerfile',
    gitUrl,
    gitBranch: 'main',
    port: 3000,
  });

  it.each([
    ['http://127.0.0.1:8080/shop.git'],
    ['https://localhost/shop.git'],
    ['http://169.254.169.254/latest/meta-data.git'],
    ['ssh://git@[::1]:2222/shop.git'],
    ['git@localhost:acme/shop.git'],
    ['http://0.0.0.0:6379/x.git'],
  ])('refuses the git URL %s with a 400 naming gitUrl, saving nothing', async (gitUrl) => {
    const r = await asOwner('POST', '/api/v1/applications', gitApp('refused', gitUrl));
    expect(problemOf(r)).toEqual({
      status: 400,
      fields: ['gitUrl'],
      messages: [expect.stringMatching(/^gitUrl points to an address this instance does not connect to/)],
    });
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await asOwner<Paginated<unknown>>('GET', '/api/v1/applications')).body.total).toBe(0);
  });

  it('refuses the same on update, and keeps the saved URL', async () => {
    const created = await asOwner<{ id: string; gitUrl: string }>(
      'POST',
      '/api/v1/applications',
      gitApp('kept', 'https://git.example.com/acme/shop.git'),
    );
    expect(created.status).toBe(201);
    const r = await asOwner('PATCH', `/api/v1/applications/${created.body.id}`, { gitUrl: 'http://localhost:5432/x.git' });
    expect(problemOf(r)).toMatchObject({ status: 400, fields: ['gitUrl'] });
    expect((await asOwner<{ gitUrl: string }>('GET', `/api/v1/applications/${created.body.id}`)).body.gitUrl).toBe(
      'https://git.example.com/acme/shop.git',
    );
  });

  it.each([['169.254.169.254'], ['fd00:ec2::254'], ['0.0.0.0']])(
    'refuses a server on %s with a 400 naming host, on create and update',
    async (host) => {
      const r = await asOwner('POST', '/api/v1/servers', { name: 'metadata', host, sshKeyId: keyId });
      expect(problemOf(r)).toEqual({
        status: 400,
        fields: ['host'],
        messages: [expect.stringMatching(/^host points to an address this instance does not connect to/)],
      });
      const update = await asOwner('PATCH', `/api/v1/servers/${serverId}`, { host });
      expect(problemOf(update)).toMatchObject({ status: 400, fields: ['host'] });
      expect((await asOwner<ServerDto>('GET', `/api/v1/servers/${serverId}`)).body.host).toBe('127.0.0.1');
      expect((await asOwner<Paginated<ServerDto>>('GET', '/api/v1/servers')).body.total).toBe(1);
    },
  );
});
