import {
  AuditAction,
  type AuditEventDto,
  COMMAND_MAX_LENGTH,
  type CommandRunDto,
  type CommandRunLiveEvent,
  type CommandRunSummaryDto,
  JobName,
  type Paginated,
  type ProblemDetails,
  QueueName,
  Role,
  type ServerDto,
  type SshKeyDto,
  TEAM_HEADER,
} from '@zpanel/contracts';
import { type EventsSocket, addTestServer, connectEvents, joinTeam, liveSubscribe, useOwnedStack, waitFor } from '@zpanel/testing';
import { Queue } from 'bullmq';
import { Client } from 'pg';

/** Commands on the test server through the API, the queue, the worker, SSH and the live gateway. */
describe('command runs (built api + worker, test server)', () => {
  // The reaper passes every 2 s, not production's 30 s: its test waits for the real scheduler.
  const suite = useOwnedStack({ worker: true, env: { COMMAND_RUNS_REAP_MS: '2000' } });
  const { call } = suite;
  let member: string;
  let viewer: string;
  let serverId: string;
  const sockets: EventsSocket[] = [];

  const register = async (email: string, role: Role) => (await joinTeam(call, suite.owner, email, role)).accessToken;
  const commands = (path = '') => `/api/v1/servers/${serverId}/commands${path}`;
  const run = (command: string, timeoutSeconds?: number, token = suite.owner.accessToken) =>
    call<CommandRunDto>('POST', commands(), token, timeoutSeconds === undefined ? { command } : { command, timeoutSeconds });
  const getRun = (id: string) => call<CommandRunDto>('GET', commands(`/${id}`), suite.owner.accessToken);
  const settled = (id: string) =>
    waitFor(
      async () => {
        const r = (await getRun(id)).body;
        return ['succeeded', 'failed', 'cancelled'].includes(r.status) ? r : undefined;
      },
      20_000,
      `run ${id} to finish`,
    );
  const subscribe = async (runId: string, token = suite.owner.accessToken) => {
    const socket = await connectEvents(suite.stack.baseUrl, token);
    sockets.push(socket);
    return liveSubscribe<CommandRunLiveEvent>(socket, { kind: 'command-run', runId });
  };

  beforeAll(async () => {
    member = await register('member@example.com', Role.Member);
    viewer = await register('viewer@example.com', Role.Viewer);
    serverId = (await addTestServer(suite.asOwner)).id;
  });
  afterAll(() => {
    for (const socket of sockets) socket.disconnect();
  });

  it('runs an admin’s command, streams its output live, stores it, lists it and audits the command', async () => {
    const created = await run('echo hello; echo oops >&2; exit 3');
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({
      serverId,
      command: 'echo hello; echo oops >&2; exit 3',
      timeoutSeconds: 300,
      actor: { type: 'user', userId: suite.owner.userId, name: 'Olive Owner' },
    });
    expect(['queued', 'running', 'failed']).toContain(created.body.status);

    // Subscribed after the run may have ended: the topic replays from the start.
    const sub = await subscribe(created.body.id);
    expect(sub.result).toEqual({ ok: true, subscriptionId: sub.subscriptionId });
    await waitFor(async () => (sub.events.some((e) => e.event.type === 'finished') ? true : undefined), 20_000, 'the finished event');
    const events = sub.events.map((e) => e.event);
    expect(events).toContainEqual({ type: 'output', stream: 'stdout', data: 'hello\n' });
    expect(events).toContainEqual({ type: 'output', stream: 'stderr', data: 'oops\n' });
    expect(events[events.length - 1]).toEqual({ type: 'finished', status: 'failed', exitCode: 3 });

    const stored = await settled(created.body.id);
    expect(stored).toMatchObject({ status: 'failed', exitCode: 3, error: 'Exited with code 3.', outputTruncated: false, cancelRequested: false });
    expect(stored.output.split('\n').sort()).toEqual(['', 'hello', 'oops']);
    expect(stored.startedAt).not.toBeNull();
    expect(stored.finishedAt).not.toBeNull();

    const history = await call<Paginated<CommandRunSummaryDto>>('GET', commands('?perPage=5'), suite.owner.accessToken);
    expect(history.status).toBe(200);
    expect(history.body.items[0]).toMatchObject({ id: created.body.id, status: 'failed', exitCode: 3 });
    expect(history.body.items[0]).not.toHaveProperty('output');

    const audit = await call<Paginated<AuditEventDto>>(
      'GET',
      `/api/v1/audit-events?action=${AuditAction.ServerCommandRun}`,
      suite.owner.accessToken,
      undefined,
      { [TEAM_HEADER]: suite.owner.teamId },
    );
    expect(audit.body.items[audit.body.items.length - 1]).toMatchObject({
      actor: { type: 'user', id: suite.owner.userId },
      target: { type: 'server', id: serverId },
      metadata: { runId: created.body.id, command: 'echo hello; echo oops >&2; exit 3', timeoutSeconds: 300 },
    });
    expect(audit.text).not.toContain('hello\\n');
  });

  it('refuses a command whose audit row cannot be written, and never runs it; the same for a new server', async () => {
    const db = new Client({ connectionString: suite.stack.databaseUrl });
    await db.connect();
    const canary = `/tmp/zp-unaudited-${Date.now()}`;
    const count = async (table: string) => Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    try {
      // The database refuses every audit row, as it would a row it cannot store.
      await db.query(
        `CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit row refused by the test'; END $$`,
      );
      await db.query(`CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse_audit()`);
      const [runs, servers] = [await count('command_runs'), await count('servers')];
      const refused = await run(`touch ${canary}`);
      expect(refused.status).toBe(500);
      const key = (
        await call<Paginated<SshKeyDto>>('GET', '/api/v1/ssh-keys', suite.owner.accessToken, undefined, { [TEAM_HEADER]: suite.owner.teamId })
      ).body.items[0];
      const server = await call(
        'POST',
        '/api/v1/servers',
        suite.owner.accessToken,
        { name: 'unaudited', host: '192.0.2.44', sshKeyId: key.id },
        { [TEAM_HEADER]: suite.owner.teamId },
      );
      expect(server.status).toBe(500);
      expect([await count('command_runs'), await count('servers')]).toEqual([runs, servers]);
    } finally {
      await db.query('DROP TRIGGER IF EXISTS refuse_audit ON audit_events');
      await db.query('DROP FUNCTION IF EXISTS refuse_audit()');
      await db.end();
    }
    // No row, so no job: the command never reached the server.
    const check = await run(`test -e ${canary} && echo present || echo absent`);
    expect((await settled(check.body.id)).output).toBe('absent\n');
  });

  it('stores the output sealed: the database never holds the text, the API still shows it to admins', async () => {
    const secret = `zp-output-secret-${Date.now()}`;
    const created = await run(`echo ${secret}`);
    expect((await settled(created.body.id)).output).toBe(`${secret}\n`);
    const db = new Client({ connectionString: suite.stack.databaseUrl });
    await db.connect();
    try {
      const stored = (await db.query<{ output: string }>('SELECT output FROM command_runs WHERE id = $1', [created.body.id])).rows[0].output;
      expect(stored).toMatch(/^v1\./);
      // The command is stored in the clear (the audit needs it); no output of any run is.
      const leaked = await db.query(`SELECT id FROM command_runs WHERE output LIKE '%' || $1 || '%' OR output LIKE '%hello%'`, [secret]);
      expect(leaked.rows).toEqual([]);
    } finally {
      await db.end();
    }
  });

  it('lists newest first, a page at a time', async () => {
    const first = (await run('echo one')).body.id;
    const second = (await run('echo two')).body.id;
    await settled(first);
    await settled(second);
    const page = await call<Paginated<CommandRunSummaryDto>>('GET', commands('?perPage=1&page=1'), suite.owner.accessToken);
    expect(page.body).toMatchObject({ page: 1, perPage: 1, items: [{ id: second }] });
    expect(page.body.total).toBeGreaterThanOrEqual(3);
    expect((await call<Paginated<CommandRunSummaryDto>>('GET', commands('?perPage=1&page=2'), suite.owner.accessToken)).body.items[0].id).toBe(first);
  });

  it('cancels a running command, and refuses to cancel a finished one', async () => {
    const created = (await run('echo started; sleep 30')).body;
    await waitFor(async () => ((await getRun(created.id)).body.status === 'running' ? true : undefined), 20_000, 'the run to start');
    const cancel = await call<CommandRunDto>('POST', commands(`/${created.id}/cancel`), suite.owner.accessToken);
    expect(cancel.status).toBe(202);
    expect(cancel.body).toMatchObject({ status: 'running', cancelRequested: true });
    const stored = await settled(created.id);
    expect(stored).toMatchObject({ status: 'cancelled', exitCode: null, cancelRequested: false });
    expect(stored.output).toBe('started\n');

    const again = await call<ProblemDetails>('POST', commands(`/${created.id}/cancel`), suite.owner.accessToken);
    expect(again.status).toBe(409);
    expect(again.body.detail).toBe('The run already finished (cancelled)');
  });

  it('kills a command at its timeout', async () => {
    const created = (await run('sleep 30', 1)).body;
    expect(await settled(created.id)).toMatchObject({
      status: 'failed',
      exitCode: null,
      error: 'Timed out after 1 s: the command and its children were killed.',
    });
  });

  it('lets members and viewers neither run, read nor cancel commands, nor follow their output', async () => {
    const id = (await run('echo secret-output')).body.id;
    for (const token of [member, viewer]) {
      const outcomes = [
        (await run('id', undefined, token)).status,
        (await call('GET', commands(), token)).status,
        (await call('GET', commands(`/${id}`), token)).status,
        (await call('POST', commands(`/${id}/cancel`), token)).status,
      ];
      expect(outcomes).toEqual([403, 403, 403, 403]);
      const sub = await subscribe(id, token);
      expect(sub.result).toEqual(expect.objectContaining({ ok: false, status: 403 }));
    }
  });

  it('answers 404 for a run of another server, and for an unknown one', async () => {
    const id = (await run('true')).body.id;
    const team = { [TEAM_HEADER]: suite.owner.teamId };
    const keyId = (await call<SshKeyDto>('POST', '/api/v1/ssh-keys', suite.owner.accessToken, { name: 'other' }, team)).body.id;
    const other = (
      await call<ServerDto>('POST', '/api/v1/servers', suite.owner.accessToken, { name: 'other', host: '192.0.2.30', sshKeyId: keyId }, team)
    ).body.id;
    expect((await call('GET', `/api/v1/servers/${other}/commands/${id}`, suite.owner.accessToken)).status).toBe(404);
    expect((await call('POST', `/api/v1/servers/${other}/commands/${id}/cancel`, suite.owner.accessToken)).status).toBe(404);
    expect((await call('GET', commands('/00000000-0000-4000-8000-000000000000'), suite.owner.accessToken)).status).toBe(404);
  });

  it.each([
    ['no command', {}, ['command']],
    ['an empty command', { command: '' }, ['command']],
    ['a blank command', { command: '  \n ' }, ['command']],
    ['a command too long', { command: 'x'.repeat(COMMAND_MAX_LENGTH + 1) }, ['command']],
    ['a NUL in the command', { command: 'echo a\u0000b' }, ['command']],
    ['a command that is not text', { command: ['rm', '-rf', '/'] }, ['command']],
    ['a timeout of 0', { command: 'true', timeoutSeconds: 0 }, ['timeoutSeconds']],
    ['a timeout over an hour', { command: 'true', timeoutSeconds: 3601 }, ['timeoutSeconds']],
    ['a fractional timeout', { command: 'true', timeoutSeconds: 1.5 }, ['timeoutSeconds']],
    ['a timeout that is a string', { command: 'true', timeoutSeconds: '$(touch /tmp/pwned)' }, ['timeoutSeconds']],
  ])('refuses %s with a 400 naming the field', async (_case, body, fields) => {
    const before = (await call<Paginated<CommandRunSummaryDto>>('GET', commands(), suite.owner.accessToken)).body.total;
    const res = await call<ProblemDetails>('POST', commands(), suite.owner.accessToken, body);
    expect(res.status).toBe(400);
    expect([...new Set(res.body.errors?.map((e) => e.field))]).toEqual(fields);
    expect((await call<Paginated<CommandRunSummaryDto>>('GET', commands(), suite.owner.accessToken)).body.total).toBe(before);
  });

  it('accepts a command of exactly the maximum length', async () => {
    const command = `: ${'x'.repeat(COMMAND_MAX_LENGTH - 2)}`;
    const created = await run(command);
    expect(created.status).toBe(202);
    expect(await settled(created.body.id)).toMatchObject({ status: 'succeeded', exitCode: 0 });
  });

  it('fails a running run whose worker stopped beating, when the reaper passes', async () => {
    const queue = new Queue(QueueName.System, { connection: { url: suite.stack.redisUrl }, prefix: suite.stack.redisPrefix });
    const db = new Client({ connectionString: suite.stack.databaseUrl });
    await db.connect();
    try {
      // The worker schedules the reaper for itself, as often as COMMAND_RUNS_REAP_MS says (2 s here).
      const scheduler = await waitFor(async () => (await queue.getJobScheduler(JobName.CommandRunsReap)) ?? undefined, 10_000, 'the reaper schedule');
      expect(scheduler.every).toBe(2_000);
      expect(suite.stack.env.COMMAND_RUNS_REAP_MS).toBe('2000');

      // A run whose worker died mid-command: running, last heartbeat two minutes ago.
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO command_runs (team_id, server_id, user_id, actor_name, command, status, started_at, heartbeat_at)
         VALUES ($1, $2, $3, 'Olive Owner', 'sleep 600', 'running', now() - interval '3 minutes', now() - interval '2 minutes') RETURNING id`,
        [suite.owner.teamId, serverId, suite.owner.userId],
      );
      const id = rows[0].id;
      // The scheduler's next tick, within 2 s, finds it.
      const reaped = await settled(id);
      expect(reaped).toMatchObject({
        status: 'failed',
        exitCode: null,
        error: 'The worker running it stopped (no heartbeat within its lease); it is not run again by itself.',
      });
    } finally {
      await db.end();
      await queue.close();
    }
  });
});
