import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { type AddressInfo, createServer } from 'node:net';
import { createLogger, generateSshKeyPair } from '@zpanel/core';
import { ServerEntity, ServersRepository, sshKeyAad } from '@zpanel/database';
import { JobName, type LiveTopic, LiveTopics, type ServerLiveEvent } from '@zpanel/contracts';
import type { JobProducer } from '@zpanel/queue';
import { type SeededTeam, notificationEventsAbout, seedServer, seedTeamWithServer } from '@zpanel/database/testing';
import { freePort, testServerAddress, testServerKey, testSshTarget } from '@zpanel/testing';
import { ServerLiveEvents } from './server-live-events';
import { ServerValidationHandler } from './server-validation.handler';
import { serverTargetsOver } from './server-targets.testing';
import { WorkerSshPool } from './ssh-pool.provider';
import { useWorkerHarness } from '../worker-stores.testing';
import { eventNotificationsOver } from '../notifications/event-notifications.testing';

describe(ServerValidationHandler.name, () => {
  const { config, box, stores, pool } = useWorkerHarness('validation-test');
  const ssh = testSshTarget();
  let handler: ServerValidationHandler;
  let team: SeededTeam;
  let teamId: string;
  const statusEvents = async (topic: LiveTopic<'server' | 'team'>) =>
    (await stores.live.range(topic, '0')).map((e) => e.event as ServerLiveEvent).filter((e) => e.type === 'status');

  const addServer = (overrides: Partial<ServerEntity> = {}, of = team) =>
    seedServer(stores.dataSource, of, { ...testServerAddress(), status: 'pending', ...overrides });
  const targets = () => serverTargetsOver(stores.dataSource, box);
  /** The handler as the worker wires it, reaching servers through `sshPool`. */
  const handlerOver = (sshPool: WorkerSshPool) => {
    const logger = createLogger({ level: 'silent', name: 'test' });
    return new ServerValidationHandler(
      new ServersRepository(stores.dataSource.manager),
      targets(),
      logger,
      sshPool,
      new ServerLiveEvents(stores.live, logger),
      producer,
      eventNotificationsOver(stores.dataSource).notifications,
    );
  };
  const reload = (id: string) => stores.dataSource.getRepository(ServerEntity).findOneByOrFail({ id });
  /** Jobs the validation queued (recorded, not run). */
  const queued: { name: string; payload: unknown; jobId?: string }[] = [];
  const producer = {
    enqueue: async (name: string, payload: unknown, options: { jobId?: string }) => {
      queued.push({ name, payload, jobId: options.jobId });
      return options.jobId ?? '';
    },
  } as unknown as JobProducer;
  const proxySyncsOf = (id: string) =>
    queued.filter((q) => q.name === JobName.ServerProxySync && (q.payload as { serverId: string }).serverId === id);

  beforeAll(async () => {
    handler = handlerOver(pool);
    team = await seedTeamWithServer(stores.dataSource, { team: 'validation', privateKey: testServerKey(box) });
    teamId = team.teamId;
  });
  // Every test validates the one test server as a new server: a Docker host may be claimed by one server only.
  beforeEach(() => stores.dataSource.query('UPDATE servers SET docker_engine_id = NULL WHERE docker_engine_id IS NOT NULL'));

  it('validates the test server: pins its host key and records OS, Docker version and free disk', async () => {
    const id = await addServer();
    expect(await handler.handle({ serverId: id })).toEqual({ status: 'ready' });
    const server = await reload(id);
    const hostKeyLine = execFileSync('ssh-keyscan', ['-p', String(ssh.port), '-t', 'ed25519', ssh.host], {
      stdio: ['ignore', 'pipe', 'ignore'],
    }).toString();
    const expected = execFileSync('ssh-keygen', ['-l', '-f', '-'], { input: hostKeyLine }).toString().split(' ')[1];
    expect(server.hostKeyFingerprint).toBe(expected);
    expect(server.dockerVersion).toBe(execFileSync('docker', ['version', '--format', '{{.Server.Version}}']).toString().trim());
    expect(server.os).toMatch(/\w/);
    expect(Number(server.diskFreeBytes)).toBeGreaterThan(0);
    expect(server.statusReason).toBeNull();
    // Pushed to the server's page and to the team's servers list.
    const pushed = { type: 'status', serverId: id, status: 'ready', statusReason: null, statusReasonCode: null };
    expect(await statusEvents(LiveTopics.server(id))).toEqual([pushed]);
    expect(await statusEvents(LiveTopics.team(teamId))).toContainEqual(pushed);
    // The Docker client made for the check leaves no channel open behind it.
    expect(pool.stats().streams).toBe(0);
    // A server that passed gets its proxy installed.
    expect(proxySyncsOf(id)).toEqual([
      { name: JobName.ServerProxySync, payload: { serverId: id }, jobId: expect.stringMatching(new RegExp(`^proxy-sync-${id}-\\d+$`)) },
    ]);
  });

  it('reads the same for a closed port, a port that is not SSH and an address the policy refuses, which it never connects to', async () => {
    const reason = (port: number) =>
      `Could not reach ${ssh.host}:${port} over SSH: check the address and port, and that the server accepts SSH connections from this instance.`;
    const closed = await addServer({ port: await freePort() });
    expect(await handler.handle({ serverId: closed })).toEqual({ status: 'unreachable' });
    expect((await reload(closed)).statusReason).toBe(reason((await reload(closed)).port));

    const notSsh = createServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise<void>((resolve) => notSsh.listen(0, ssh.host, resolve));
    try {
      const port = (notSsh.address() as AddressInfo).port;
      const http = await addServer({ port });
      expect(await handler.handle({ serverId: http })).toEqual({ status: 'unreachable' });
      expect((await reload(http)).statusReason).toBe(reason(port));
    } finally {
      notSsh.close();
    }

    // The same sshd by a name that resolves to loopback, with loopback refused for servers: refused
    // at connect time on the resolved address (the name passed any check made when it was saved).
    const strict = new WorkerSshPool({ network: { ...config.network, allowedCidrs: [], serverDeniedCidrs: ['127.0.0.0/8', '::1/128'] } });
    const strictHandler = handlerOver(strict);
    try {
      const named = await addServer({ host: 'localhost' });
      expect(await strictHandler.handle({ serverId: named })).toEqual({ status: 'unreachable' });
      expect((await reload(named)).statusReason).toBe(
        `Could not reach localhost:${ssh.port} over SSH: check the address and port, and that the server accepts SSH connections from this instance.`,
      );
      expect((await reload(named)).hostKeyFingerprint).toBeNull();
      expect(strict.stats().connects).toBe(0);
      // The instance's own pool (loopback allowed) reaches it by that name.
      expect(await handler.handle({ serverId: named })).toEqual({ status: 'ready' });
    } finally {
      strict.close();
    }
  });

  it('refuses a second server for the same Docker host, by whatever name it is reached, without naming the first', async () => {
    const first = await addServer();
    expect(await handler.handle({ serverId: first })).toEqual({ status: 'ready' });
    expect((await reload(first)).dockerEngineId).toMatch(/\S/);
    const second = await addServer(
      { host: 'localhost' },
      await seedTeamWithServer(stores.dataSource, { team: 'second team', privateKey: testServerKey(box) }),
    );
    queued.length = 0;
    expect(await handler.handle({ serverId: second })).toEqual({ status: 'invalid' });
    const refused = await reload(second);
    expect(refused.statusReason).toBe(
      "This Docker host is already managed by another server of this Zpanel instance: a Docker host can belong to one server only (its proxy routes that server's applications). Deploy there, or have that server removed first.",
    );
    expect(refused.statusReasonCode).toBe('server.docker_host_taken');
    expect(refused.dockerEngineId).toBeNull();
    // Its proxy sync would have replaced the first server's routes with its own.
    expect(proxySyncsOf(second)).toEqual([]);
    // The first keeps the host, validation after validation; once it is gone, the second may have it.
    expect(await handler.handle({ serverId: first })).toEqual({ status: 'ready' });
    await stores.dataSource.getRepository(ServerEntity).delete({ id: first });
    expect(await handler.handle({ serverId: second })).toEqual({ status: 'ready' });
  });

  it('refuses a server whose host key changed, and keeps the recorded key', async () => {
    const pinned = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    const id = await addServer({ hostKeyFingerprint: pinned });
    expect(await handler.handle({ serverId: id })).toEqual({ status: 'invalid' });
    const server = await reload(id);
    expect(server.statusReason).toMatch(/^The server's host key changed \(recorded SHA256:A+, now SHA256:/);
    expect(server.statusReasonCode).toBe('server.host_key_changed');
    expect(server.hostKeyFingerprint).toBe(pinned);
    expect(proxySyncsOf(id)).toEqual([]);
    // Told once: validating again while the key stays changed is no news.
    expect(await handler.handle({ serverId: id })).toEqual({ status: 'invalid' });
    expect(await notificationEventsAbout(stores.dataSource, id)).toEqual([
      expect.objectContaining({ kind: 'server.host_key_changed', teamId, url: `/servers/${id}`, title: `Host key of server ${server.name} changed` }),
    ]);
  });

  it('says plainly when nothing listens, and when the key is refused', async () => {
    const closed = await addServer({ port: await freePort() });
    expect(await handler.handle({ serverId: closed })).toEqual({ status: 'unreachable' });
    expect((await reload(closed)).statusReason).toBe(
      `Could not reach ${ssh.host}:${(await reload(closed)).port} over SSH: check the address and port, and that the server accepts SSH connections from this instance.`,
    );
    expect(await statusEvents(LiveTopics.server(closed))).toEqual([
      {
        type: 'status',
        serverId: closed,
        status: 'unreachable',
        statusReason: (await reload(closed)).statusReason,
        statusReasonCode: 'server.unreachable',
      },
    ]);

    const stranger = generateSshKeyPair('stranger').privateKey;
    const wrongKey = await addServer(
      {},
      await seedTeamWithServer(stores.dataSource, { team: 'stranger', privateKey: (id) => box.seal(stranger, sshKeyAad(id)) }),
    );
    expect(await handler.handle({ serverId: wrongKey })).toEqual({ status: 'unreachable' });
    expect((await reload(wrongKey)).statusReason).toBe(
      `The server refused the key for ${ssh.username}: add the public key to ~${ssh.username}/.ssh/authorized_keys.`,
    );
    expect((await reload(wrongKey)).statusReasonCode).toBe('server.auth_refused');
    expect([...proxySyncsOf(closed), ...proxySyncsOf(wrongKey)]).toEqual([]);
  });

  it('does nothing for a server deleted while the job waited', async () => {
    expect(await handler.handle({ serverId: randomUUID() })).toEqual({ status: 'invalid' });
  });
});
