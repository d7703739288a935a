import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type ContainerDetailsDto, type ContainerDto, type ContainerLogsDto, type ProblemDetails, type ServerDto, type SshKeyDto, TEAM_HEADER } from '@zpanel/contracts';
import { injectionPayloads } from '@zpanel/core';
import { type SignedIn, type Stack, apiCaller, createOwner, startStack, testSshTarget, waitFor } from '@zpanel/testing';

/** Containers of the test server through the API, the queue, the worker, SSH and the Docker API. */
describe('server containers (built api + worker, test server)', () => {
  let stack: Stack;
  let owner: SignedIn;
  let call: ReturnType<typeof apiCaller>;
  let serverId: string;
  const runLabel = `zpanel.test.run=${process.env.ZP_TEST_RUN_ID}`;
  const name = `zp-e2e-${process.env.ZP_TEST_RUN_ID}-${process.pid}`;

  beforeAll(async () => {
    stack = await startStack({ worker: true });
    owner = await createOwner(stack.baseUrl);
    call = apiCaller(() => stack.baseUrl, { headers: { [TEAM_HEADER]: owner.teamId } });
    const ssh = testSshTarget();
    const key = (await call<SshKeyDto>('POST', '/api/v1/ssh-keys', owner.accessToken, { name: 'test', privateKey: readFileSync(ssh.privateKeyPath, 'utf8') })).body;
    serverId = (await call<ServerDto>('POST', '/api/v1/servers', owner.accessToken, { name: 'test-server', host: ssh.host, port: ssh.port, user: ssh.username, sshKeyId: key.id })).body.id;
    execFileSync('docker', [
      'run', '-d', '--name', name, '--label', runLabel, '--label', 'zpanel.managed=true', '--network', 'none',
      'zpanel-test/busybox:latest', 'sh', '-c', 'i=0; while true; do echo out-$i; echo err-$i >&2; i=$((i+1)); sleep 0.2; done',
    ]);
  });
  afterAll(async () => {
    const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=${runLabel}`]).toString().split('\n').filter(Boolean);
    if (ids.length) execFileSync('docker', ['rm', '-f', ...ids]);
    await stack?.stop();
  });

  const asOwner = <T = unknown>(method: string, path: string, body?: unknown) => call<T>(method, `/api/v1/servers/${serverId}/containers${path}`, owner.accessToken, body);

  it('lists, inspects and reads the logs of a container on the server', async () => {
    const managed = await asOwner<ContainerDto[]>('GET', '?managedOnly=true');
    expect(managed.status).toBe(200);
    expect(managed.body.map((c) => c.names[0])).toContain(name);
    const details = await asOwner<ContainerDetailsDto>('GET', `/${name}`);
    expect(details.body).toMatchObject({ state: 'running', image: 'zpanel-test/busybox:latest', tty: false });

    // Docker's tail counts the lines of both streams together.
    const lines = (text: string) => text.split('\n').filter(Boolean);
    const logs = await waitFor(async () => {
      const r = await asOwner<ContainerLogsDto>('GET', `/${name}/logs?tail=6`);
      return lines(r.body.stdout).length + lines(r.body.stderr).length === 6 ? r.body : undefined;
    }, 10_000, 'six lines of output');
    expect(lines(logs.stdout).length).toBeGreaterThan(0);
    expect(lines(logs.stderr).length).toBeGreaterThan(0);
    expect(lines(logs.stdout).every((l) => /^out-\d+$/.test(l))).toBe(true);
    expect(lines(logs.stderr).every((l) => /^err-\d+$/.test(l))).toBe(true);
  });

  it('stops, starts and removes it', async () => {
    expect((await asOwner('POST', `/${name}/stop`, { timeoutSeconds: 1 })).status).toBe(204);
    expect((await asOwner<ContainerDetailsDto>('GET', `/${name}`)).body.state).toBe('exited');
    expect((await asOwner('POST', `/${name}/start`, {})).status).toBe(204);
    expect((await asOwner<ContainerDetailsDto>('GET', `/${name}`)).body.state).toBe('running');
    expect((await asOwner('DELETE', `/${name}?force=true`)).status).toBe(204);
    const gone = await asOwner<ProblemDetails>('GET', `/${name}`);
    expect(gone.status).toBe(404);
    expect(gone.body.detail).toContain(name);
  });

  it('refuses injection payloads in every parameter, naming it, before anything reaches the server', async () => {
    const canary = `/tmp/zp-pwned-containers-${process.pid}`;
    const fieldsOf = (r: { body: unknown }) => [...new Set(((r.body as ProblemDetails).errors ?? []).map((e) => e.field))];
    for (const payload of injectionPayloads(canary).filter((p) => p.length < 2000)) {
      const encoded = encodeURIComponent(payload);
      // Path segments that a router would not even match (a slash in the id) are 404s, which is fine too.
      const inspect = await asOwner('GET', `/${encoded}`);
      expect([400, 404]).toContain(inspect.status);
      if (inspect.status === 400) expect(fieldsOf(inspect)).toEqual(['containerId']);
      expect(fieldsOf(await asOwner('GET', `/zp-app/logs?tail=${encoded}`))).toEqual(['tail']);
      expect(fieldsOf(await asOwner('GET', `/zp-app/logs?since=${encoded}`))).toEqual(['since']);
      expect(fieldsOf(await asOwner('POST', '/zp-app/stop', { timeoutSeconds: payload }))).toEqual(['timeoutSeconds']);
    }
    expect(fieldsOf(await asOwner('POST', '/zp-app/explode', {}))).toEqual(['action']);
    expect(() => execFileSync('test', ['-e', canary])).toThrow();
  });

  it('answers 503 with the reason when the server cannot be reached', async () => {
    await call('PATCH', `/api/v1/servers/${serverId}`, owner.accessToken, { port: 1 });
    const r = await asOwner<ProblemDetails>('GET', '');
    expect(r.status).toBe(503);
    expect(r.body.detail).toMatch(/Nothing accepts SSH connections|did not answer/);
  });
});
