import { execFileSync } from 'node:child_process';
import {
  type ContainerDetailsDto,
  type ContainerDto,
  type ContainerLogLiveEvent,
  type ContainerLogsDto,
  type LiveSubscribeRequest,
  type ProblemDetails,
} from '@zpanel/contracts';
import { injectionPayloads } from '@zpanel/core';
import {
  type EventsSocket,
  addTestServer,
  connectEvents,
  liveSubscribe,
  removeTestContainers,
  runTestContainer,
  useOwnedStack,
  waitFor,
} from '@zpanel/testing';

/** Containers of the test server through the API, the queue, the worker, SSH and the Docker API. */
describe('server containers (built api + worker, test server)', () => {
  const suite = useOwnedStack({ worker: true });
  const { inTeam: call } = suite;
  let serverId: string;
  const name = `zp-e2e-${process.env.ZP_TEST_RUN_ID}-${process.pid}`;

  beforeAll(async () => {
    serverId = (await addTestServer(suite.asOwner)).id;
    runTestContainer(name, 'i=0; while true; do echo out-$i; echo err-$i >&2; i=$((i+1)); sleep 0.2; done', ['zpanel.managed=true']);
  });
  afterAll(() => removeTestContainers());

  const asOwner = <T = unknown>(method: string, path: string, body?: unknown) =>
    call<T>(method, `/api/v1/servers/${serverId}/containers${path}`, suite.owner.accessToken, body);

  /** Subscribes to a container's log as the SPA does; `lines()` and `end()` read what arrived so far. */
  const followLogs = async (socket: EventsSocket, containerId: string, tail?: number) => {
    const request: LiveSubscribeRequest = { kind: 'container-logs', serverId, containerId, ...(tail === undefined ? {} : { tail }) };
    const subscription = await liveSubscribe<ContainerLogLiveEvent>(socket, request);
    const events = () => subscription.events.map((e) => e.event);
    return {
      ...subscription,
      lines: () => events().flatMap((e) => (e.type === 'lines' ? e.lines : [])),
      end: () => events().flatMap((e) => (e.type === 'end' ? [e.reason] : []))[0],
    };
  };
  const withSocket = async (use: (socket: EventsSocket) => Promise<void>) => {
    const socket = await connectEvents(suite.stack.baseUrl, suite.owner.accessToken);
    try {
      await use(socket);
    } finally {
      socket.disconnect();
    }
  };

  it('lists, inspects and reads the logs of a container on the server', async () => {
    const managed = await asOwner<ContainerDto[]>('GET', '?managedOnly=true');
    expect(managed.status).toBe(200);
    expect(managed.body.map((c) => c.names[0])).toContain(name);
    const details = await asOwner<ContainerDetailsDto>('GET', `/${name}`);
    expect(details.body).toMatchObject({ state: 'running', image: 'zpanel-test/busybox:latest', tty: false });

    // Docker's tail counts the lines of both streams together.
    const lines = (text: string) => text.split('\n').filter(Boolean);
    const logs = await waitFor(
      async () => {
        const r = await asOwner<ContainerLogsDto>('GET', `/${name}/logs?tail=6`);
        return lines(r.body.stdout).length + lines(r.body.stderr).length === 6 ? r.body : undefined;
      },
      10_000,
      'six lines of output',
    );
    expect(lines(logs.stdout).length).toBeGreaterThan(0);
    expect(lines(logs.stderr).length).toBeGreaterThan(0);
    expect(lines(logs.stdout).every((l) => /^out-\d+$/.test(l))).toBe(true);
    expect(lines(logs.stderr).every((l) => /^err-\d+$/.test(l))).toBe(true);
  });

  it('follows its log over the live socket: the last lines, then new ones as they come, stderr apart', async () => {
    await withSocket(async (socket) => {
      const follow = await followLogs(socket, name, 4);
      expect(follow.result).toEqual({ ok: true, subscriptionId: follow.subscriptionId });
      const lines = await waitFor(
        async () => {
          const seen = follow.lines();
          return seen.length >= 12 && seen.some((l) => l.stream === 'stderr') ? seen : undefined;
        },
        15_000,
        'a dozen followed lines',
      );
      expect(lines.every((l) => (l.stream === 'stdout' ? /^out-\d+$/ : /^err-\d+$/).test(l.line))).toBe(true);
      // New lines keep coming after the tail: the numbers grow.
      const numbers = lines.filter((l) => l.stream === 'stdout').map((l) => Number(l.line.split('-')[1]));
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
      expect(numbers.at(-1)! - numbers[0]).toBeGreaterThanOrEqual(3);
      expect(follow.end()).toBeUndefined();
      expect(await socket.timeout(5_000).emitWithAck('live:unsubscribe', follow.subscriptionId)).toBe(true);
    });
  });

  it('ends a follow with the reason once the container has stopped', async () => {
    const short = `${name}-short`;
    runTestContainer(short, 'echo hello; echo oops >&2');
    execFileSync('docker', ['wait', short]);
    await withSocket(async (socket) => {
      const follow = await followLogs(socket, short);
      const reason = await waitFor(async () => follow.end(), 15_000, 'the end of the follow');
      expect(reason).toBe('The container stopped (exit code 0)');
      expect(follow.lines().sort((a, b) => a.line.localeCompare(b.line))).toEqual([
        { stream: 'stdout', line: 'hello' },
        { stream: 'stderr', line: 'oops' },
      ]);
    });
  });

  it('refuses a follow with a bad containerId, tail or serverId with a 400 naming the field', async () => {
    const canary = `/tmp/zp-pwned-follow-${process.pid}`;
    await withSocket(async (socket) => {
      const refusal = async (request: Record<string, unknown>) => {
        const { result } = await liveSubscribe(socket, { kind: 'container-logs', serverId, containerId: name, ...request } as LiveSubscribeRequest);
        return result.ok ? 'accepted' : `${result.status} ${(result.errors ?? []).map((e) => e.field).join(',')}`;
      };
      for (const payload of injectionPayloads(canary).filter((p) => p.length < 2000)) {
        expect(await refusal({ containerId: payload })).toBe('400 containerId');
        expect(await refusal({ tail: payload })).toBe('400 tail');
      }
      expect(await refusal({ tail: 0 })).toBe('400 tail');
      expect(await refusal({ tail: 10_001 })).toBe('400 tail');
      expect(await refusal({ tail: 1.5 })).toBe('400 tail');
      expect(await refusal({ serverId: 'not-a-uuid' })).toBe('400 serverId');
    });
    expect(() => execFileSync('test', ['-e', canary])).toThrow();
  });

  it('stops, starts and removes it', async () => {
    expect((await asOwner('POST', `/${name}/stop`, { timeoutSeconds: 1 })).status).toBe(204);
    expect((await asOwner<ContainerDetailsDto>('GET', `/${name}`)).body.state).toBe('exited');
    expect((await asOwner('POST', `/${name}/start`, {})).status).toBe(204);
    expect((await asOwner<ContainerDetailsDto>('GET', `/${name}`)).body.state).toBe('running');
    const refused = await asOwner<ProblemDetails>('DELETE', `/${name}`);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/^Docker refused: .*running.*force/);
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
    await call('PATCH', `/api/v1/servers/${serverId}`, suite.owner.accessToken, { port: 1 });
    const r = await asOwner<ProblemDetails>('GET', '');
    expect(r.status).toBe(503);
    expect(r.body.detail).toMatch(/^Could not reach 127\.0\.0\.1:\d+ over SSH: /);

    await withSocket(async (socket) => {
      const follow = await followLogs(socket, 'zp-app');
      expect(follow.result.ok).toBe(true);
      expect(await waitFor(async () => follow.end(), 15_000, 'the end of the follow')).toMatch(/^Could not reach 127\.0\.0\.1:\d+ over SSH: /);
    });
  });
});
