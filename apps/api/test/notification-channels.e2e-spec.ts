import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  type AuditEventDto,
  type CreatedNotificationChannelResponse,
  type NotificationChannelDto,
  type NotificationDeliveryDto,
  type Paginated,
  type ProblemDetails,
  Role,
  TEAM_HEADER,
} from '@zpanel/contracts';
import { injectionPayloads } from '@zpanel/core';
import { joinTeam, useOwnedStack } from '@zpanel/testing';

const secretOf = () => `whsec_${randomBytes(32).toString('base64')}`;
const botToken = () => `${1000 + Math.floor(Math.random() * 1e6)}:${randomBytes(30).toString('base64url').slice(0, 35)}`;

/** A valid body of each kind (hosts are documentation addresses the policy allows; no worker runs here, nothing is sent). */
const bodies = () =>
  ({
    email: {
      kind: 'email',
      name: 'Ops mail',
      settings: {
        host: 'smtp.example.com',
        port: 587,
        security: 'starttls',
        username: 'zpanel',
        from: 'zpanel@example.com',
        to: ['ops@example.com'],
      },
      secrets: { password: `smtp pass ${randomUUID()}` },
      events: ['deployment.failed', 'backup.failed'],
    },
    slack: {
      kind: 'slack',
      name: 'Slack',
      secrets: { webhookUrl: `https://192.0.2.10/services/T000/B000/${randomUUID()}` },
      events: ['deployment.failed'],
    },
    mattermost: {
      kind: 'mattermost',
      name: 'Mattermost',
      // A self-hosted Mattermost without TLS is allowed (Slack and Discord are https only).
      secrets: { webhookUrl: `http://192.0.2.11:8065/hooks/${randomUUID()}` },
      events: ['alert.fired', 'alert.resolved'],
    },
    discord: {
      kind: 'discord',
      name: 'Discord',
      secrets: { webhookUrl: `https://192.0.2.12/api/webhooks/1/${randomUUID()}` },
      events: ['server.unreachable'],
    },
    telegram: {
      kind: 'telegram',
      name: 'Telegram',
      settings: { chatId: '-1001234567890' },
      secrets: { botToken: botToken() },
      events: ['backup.missed'],
    },
    ntfy: {
      kind: 'ntfy',
      name: 'Ntfy',
      settings: { serverUrl: 'https://192.0.2.13', topic: 'zpanel-alerts' },
      secrets: { accessToken: `tk_${randomBytes(16).toString('hex')}` },
      events: ['database.unhealthy'],
    },
    webhook: { kind: 'webhook', name: 'Webhook', settings: { url: 'https://192.0.2.14/zpanel' }, events: ['deployment.succeeded'] },
  }) as const satisfies Record<string, Record<string, unknown>>;

/** The unsaved test route takes what a message needs: no subscription fields. */
const testBody = ({ events: _events, ...rest }: Record<string, unknown>) => rest;

type Kind = keyof ReturnType<typeof bodies>;
const KINDS = Object.keys(bodies()) as Kind[];

/**
 * Notification channels through the built API (no worker: nothing is sent here; "Send test" and
 * deliveries are in notifications-delivery.e2e-spec.ts): every kind saved, listed and changed without
 * a secret in any response, audit row or log line; every field's bad input (the hostile list
 * included) a 400 naming it with nothing saved; the address policy at save; filters held to the
 * team's own projects and environments; roles.
 */
describe('notification channels (built api)', () => {
  // The instance's default address policy (test stacks allow loopback for their receivers; nothing is sent here).
  const suite = useOwnedStack({ env: { LOG_LEVEL: 'debug', OUTBOUND_ALLOWED_CIDRS: 'none' } });
  const { asOwner, call } = suite;
  const canary = `/tmp/zp-canary-notifications-${randomUUID()}`;
  /** Every secret value a test sent: none may appear in a response, an audit row or the API's log. */
  const sentSecrets = new Set<string>();
  const responses: string[] = [];

  const fieldsOf = (body: ProblemDetails) => [...new Set(body.errors?.map((e) => e.field))].join();
  const channels = async () => (await asOwner<NotificationChannelDto[]>('GET', '/api/v1/notification-channels')).body;
  const send = async <T>(method: string, path: string, body?: unknown) => {
    for (const value of Object.values((body as { secrets?: Record<string, unknown> } | undefined)?.secrets ?? {}))
      if (typeof value === 'string' && value.length > 8) sentSecrets.add(value);
    const res = await asOwner<T>(method, path, body);
    responses.push(res.text);
    return res;
  };
  const create = (body: Record<string, unknown>) =>
    send<CreatedNotificationChannelResponse & ProblemDetails>('POST', '/api/v1/notification-channels', body);
  const withField = (body: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> => {
    const [group, field] = path.split('.');
    if (field === undefined) return { ...body, [group]: value };
    return { ...body, [group]: { ...(body[group] as Record<string, unknown> | undefined), [field]: value } };
  };

  afterAll(() => {
    // Not one secret in any response, audit row or API log line of the whole suite.
    const log = suite.stack.api.output();
    const leaks = [...sentSecrets].filter((secret) => responses.some((text) => text.includes(secret)) || log.includes(secret));
    expect(leaks).toEqual([]);
  });

  it('saves a channel of every kind and returns it without a secret; a webhook without a signing secret gets one, shown once', async () => {
    const created: CreatedNotificationChannelResponse[] = [];
    for (const kind of KINDS) {
      const body = bodies()[kind];
      const res = await create(body);
      expect([kind, res.status]).toEqual([kind, 201]);
      created.push(res.body);
      expect(res.body).toMatchObject({ kind, name: body.name, enabled: true, events: body.events, projectIds: null, environmentIds: null });
      expect(res.body).toMatchObject({ consecutiveFailures: 0, failingSince: null, lastDeliveryAt: null });
      expect(res.body.secretsSet).toEqual(
        Object.keys((body as { secrets?: object }).secrets ?? {}).concat(kind === 'webhook' ? ['signingSecret'] : []),
      );
    }
    const email = created.find((c) => c.kind === 'email') as NotificationChannelDto<'email'>;
    expect(email.settings).toEqual(bodies().email.settings);
    expect(created.find((c) => c.kind === 'telegram')?.settings).toEqual({ chatId: '-1001234567890' });
    expect(created.find((c) => c.kind === 'slack')?.settings).toEqual({});

    const webhook = created.find((c) => c.kind === 'webhook') as CreatedNotificationChannelResponse;
    // Its one response is the only place the generated secret may be: from here on it counts as any other secret.
    responses.splice(
      responses.findIndex((text) => text.includes(webhook.signingSecret as string)),
      1,
    );
    expect(webhook.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from((webhook.signingSecret as string).slice(6), 'base64')).toHaveLength(32);
    for (const other of created.filter((c) => c.kind !== 'webhook')) expect(other).not.toHaveProperty('signingSecret');
    // Never again: not in the list, not in the channel.
    const generated = webhook.signingSecret as string;
    const listed = await send<NotificationChannelDto[]>('GET', '/api/v1/notification-channels');
    // Names that sort alike in every collation (the database's decides the order).
    expect(listed.body.map((c) => c.name)).toEqual([...created.map((c) => c.name)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(listed.text).not.toContain(generated);
    const one = await send<NotificationChannelDto>('GET', `/api/v1/notification-channels/${webhook.id}`);
    expect(one.body).toEqual(Object.fromEntries(Object.entries(webhook).filter(([key]) => key !== 'signingSecret')));
    expect(one.text).not.toContain(generated);
    sentSecrets.add(generated.slice(6));

    // A webhook given its own secret: saved, not echoed.
    const own = secretOf();
    const given = await create({ ...bodies().webhook, name: 'Own secret', secrets: { signingSecret: own } });
    expect(given.status).toBe(201);
    expect(given.body).not.toHaveProperty('signingSecret');
    expect(given.body.secretsSet).toEqual(['signingSecret']);

    // The secrets are stored sealed.
    const db = new Client({ connectionString: suite.stack.databaseUrl });
    await db.connect();
    try {
      const rows = (await db.query<{ secrets: string | null; settings: unknown }>('SELECT secrets, settings FROM notification_channels')).rows;
      const stored = JSON.stringify(rows);
      expect([...sentSecrets, own].filter((secret) => stored.includes(secret))).toEqual([]);
      expect(rows.filter((row) => row.secrets !== null).every((row) => /^v1\./.test(row.secrets as string))).toBe(true);
    } finally {
      await db.end();
    }

    // Audited, without a secret.
    const audit = await send<Paginated<AuditEventDto>>('GET', '/api/v1/audit-events?perPage=100');
    const createdEvents = audit.body.items.filter((e) => e.action === 'notification_channel.created');
    expect(createdEvents).toHaveLength(KINDS.length + 1);
    expect(createdEvents.find((e) => e.target?.id === email.id)?.metadata).toEqual({
      name: 'Ops mail',
      kind: 'email',
      events: bodies().email.events,
    });
    expect(audit.text).not.toContain(generated);
  });

  it('changes only what is sent: settings merged, secrets replaced or cleared, the address policy checked again', async () => {
    const ntfy = (await create({ ...bodies().ntfy, name: 'ntfy patch' })).body;
    const renamed = await send<NotificationChannelDto>('PATCH', `/api/v1/notification-channels/${ntfy.id}`, {
      name: 'ntfy renamed',
      settings: { topic: 'other-topic' },
      enabled: false,
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'ntfy renamed', enabled: false, settings: { serverUrl: 'https://192.0.2.13', topic: 'other-topic' } });
    expect(renamed.body.secretsSet).toEqual(['accessToken']);
    // An optional secret cleared with null.
    const cleared = await send<NotificationChannelDto>('PATCH', `/api/v1/notification-channels/${ntfy.id}`, { secrets: { accessToken: null } });
    expect([cleared.status, cleared.body.secretsSet]).toEqual([200, []]);

    const telegram = (await create({ ...bodies().telegram, name: 'telegram patch' })).body;
    const replaced = await send<NotificationChannelDto>('PATCH', `/api/v1/notification-channels/${telegram.id}`, {
      secrets: { botToken: botToken() },
    });
    expect([replaced.status, replaced.body.secretsSet]).toEqual([200, ['botToken']]);
    const required = await send<ProblemDetails>('PATCH', `/api/v1/notification-channels/${telegram.id}`, { secrets: { botToken: null } });
    expect([required.status, fieldsOf(required.body)]).toEqual([400, 'secrets.botToken']);

    // An SMTP login is a user name and a password together.
    const email = (await create({ ...bodies().email, name: 'email patch' })).body;
    const halfLogin = await send<ProblemDetails>('PATCH', `/api/v1/notification-channels/${email.id}`, { settings: { username: null } });
    expect([halfLogin.status, fieldsOf(halfLogin.body)]).toEqual([400, 'secrets.password']);
    const noLogin = await send<NotificationChannelDto<'email'>>('PATCH', `/api/v1/notification-channels/${email.id}`, {
      settings: { username: null },
      secrets: { password: null },
    });
    expect([noLogin.status, noLogin.body.settings.username, noLogin.body.secretsSet]).toEqual([200, null, []]);

    // The kind never changes; unknown fields and another kind's fields are refused.
    const kindChange = await send<ProblemDetails>('PATCH', `/api/v1/notification-channels/${email.id}`, { kind: 'slack' });
    expect([kindChange.status, fieldsOf(kindChange.body)]).toEqual([400, 'kind']);
    const otherKind = await send<ProblemDetails>('PATCH', `/api/v1/notification-channels/${email.id}`, {
      settings: { topic: 'x' },
      secrets: { botToken: botToken() },
    });
    expect([otherKind.status, fieldsOf(otherKind.body)]).toEqual([400, 'settings.topic,secrets.botToken']);

    // A URL changed to a refused address: 400 naming it, nothing changed.
    const webhook = (await create({ ...bodies().webhook, name: 'webhook patch' })).body;
    const before = await channels();
    const metadata = await send<ProblemDetails>('PATCH', `/api/v1/notification-channels/${webhook.id}`, {
      name: 'not saved',
      settings: { url: 'http://169.254.169.254/latest/meta-data' },
    });
    expect([metadata.status, fieldsOf(metadata.body)]).toEqual([400, 'settings.url']);
    expect(await channels()).toEqual(before);

    // Audited with the names of what changed, never a value.
    const audit = await send<Paginated<AuditEventDto>>('GET', '/api/v1/audit-events?perPage=100');
    const updates = audit.body.items.filter((e) => e.action === 'notification_channel.updated' && e.target?.id === ntfy.id).map((e) => e.metadata);
    expect(updates).toEqual([
      { name: 'ntfy renamed', changed: ['secrets.accessToken'] },
      { name: 'ntfy renamed', changed: ['name', 'enabled', 'settings.topic'] },
    ]);
  });

  it('refuses every bad field with a 400 naming it, the hostile list included, and saves nothing', async () => {
    const before = await channels();
    const hostile = injectionPayloads(canary);
    const notPrintable = hostile.filter((value) => !/^[\x21-\x7e]{1,256}$/.test(value));
    const cases: [Kind, string, unknown[]][] = [
      [
        'webhook',
        'settings.url',
        [...hostile, 'ftp://192.0.2.1/x', 'https://user:pw@192.0.2.1/', 'https://192.0.2.1/#x', '', 42, `https://192.0.2.1/${'a'.repeat(2100)}`],
      ],
      ['slack', 'secrets.webhookUrl', [...hostile, 'http://192.0.2.1/services/x', 'hooks.slack.com/services/x']],
      ['discord', 'secrets.webhookUrl', [...hostile, 'http://192.0.2.1/api/webhooks/1/x']],
      ['mattermost', 'secrets.webhookUrl', [...hostile, 'ftp://192.0.2.1/hooks/x']],
      ['ntfy', 'settings.serverUrl', [...hostile, 'https://192.0.2.1/?x=1', 'ntfy.sh']],
      ['ntfy', 'settings.topic', [...hostile, '', 'a/b', 'x'.repeat(65)]],
      ['ntfy', 'secrets.accessToken', [...notPrintable, '', 'x'.repeat(257)]],
      ['telegram', 'secrets.botToken', [...hostile, '123456', `x:${'a'.repeat(35)}`]],
      ['telegram', 'settings.chatId', [...hostile, '', '@ab', '12a', 12345]],
      ['email', 'settings.host', [...hostile, 'smtp_example.com', '999.1.1.1', '']],
      ['email', 'settings.port', [0, 65536, 1.5, '587', true]],
      ['email', 'settings.security', [...hostile, 'ssl', '']],
      ['email', 'settings.username', [...notPrintable, '']],
      ['email', 'settings.from', [...hostile, 'not-an-address', 'a@b', '"q"@example.com']],
      ['email', 'settings.to', [[], ['ops@example.com', 'ops@example.com'], 'ops@example.com', ...hostile.map((value) => [value])]],
      ['email', 'secrets.password', [...hostile.filter((value) => /[\x00-\x1f]/.test(value) || value.length > 1024), '']],
      ['webhook', 'secrets.signingSecret', [...hostile, 'whsec_', `whsec_${randomBytes(8).toString('base64')}`, secretOf().slice(6)]],
      [
        'slack',
        'events',
        [
          [],
          ['deployment.exploded'],
          ['deployment.failed', 'deployment.failed'],
          ['account.new_sign_in'],
          'deployment.failed',
          ...hostile.map((value) => [value]),
        ],
      ],
      [
        'slack',
        'projectIds',
        ['nope', ['nope'], [randomUUID(), 'x'], Array.from({ length: 51 }, () => randomUUID()), ...hostile.map((value) => [value])],
      ],
      ['slack', 'environmentIds', [[42], ...hostile.map((value) => [value])]],
      ['slack', 'name', ['', ' ', 'x'.repeat(65), 'line\nbreak', 42]],
      ['slack', 'kind', ['sms', '', ...hostile]],
      ['slack', 'settings', ['text', [1]]],
      ['slack', 'secrets', ['text']],
    ];
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const [kind, field, values] of cases) {
      for (const value of values) {
        const res = await create(withField(bodies()[kind], field, value));
        const label = `${kind} ${field} ${JSON.stringify(value).slice(0, 40)}`;
        outcomes.push(`${label} -> ${res.status} ${res.body.type === undefined ? '' : fieldsOf(res.body)}`);
        expected.push(`${label} -> 400 ${field}`);
        if (res.status === 400) expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
    }
    expect(outcomes).toEqual(expected);

    // Missing fields, fields of another kind, several at once.
    const missing = await create({ kind: 'email', name: 'missing', events: ['deployment.failed'] });
    expect([missing.status, fieldsOf(missing.body)]).toEqual([400, 'settings.host,settings.from,settings.to']);
    const noSecret = await create({ kind: 'slack', name: 'no secret', events: ['deployment.failed'] });
    expect([noSecret.status, fieldsOf(noSecret.body)]).toEqual([400, 'secrets.webhookUrl']);
    const mixed = await create({
      ...bodies().slack,
      settings: { url: 'https://192.0.2.1/' },
      secrets: { ...bodies().slack.secrets, botToken: botToken() },
    });
    expect([mixed.status, fieldsOf(mixed.body)]).toEqual([400, 'settings.url,secrets.botToken']);
    const passwordOnly = await create({ ...bodies().email, settings: { ...bodies().email.settings, username: null } });
    expect([passwordOnly.status, fieldsOf(passwordOnly.body)]).toEqual([400, 'secrets.password']);
    const noEvents = await create({ kind: 'slack', name: 'no events', secrets: bodies().slack.secrets });
    expect([noEvents.status, fieldsOf(noEvents.body)]).toEqual([400, 'events']);

    expect(await channels()).toEqual(before);
  });

  it('refuses at save a URL or SMTP host that is or resolves to an address the instance does not connect to', async () => {
    const before = await channels();
    const refused: [Kind, string, string][] = [
      ['webhook', 'settings.url', 'http://169.254.169.254/latest/meta-data'],
      ['slack', 'secrets.webhookUrl', 'https://169.254.169.254/services/x'],
      ['mattermost', 'secrets.webhookUrl', 'http://100.100.100.200/hooks/x'],
      ['discord', 'secrets.webhookUrl', 'https://[fd00:ec2::254]/api/webhooks/1/x'],
      ['ntfy', 'settings.serverUrl', 'http://169.254.170.2'],
      ['email', 'settings.host', '169.254.169.254'],
      // Loopback, by address and by a name that resolves to it.
      ['webhook', 'settings.url', 'http://localhost:8080/hook'],
      ['ntfy', 'settings.serverUrl', 'http://127.0.0.1:2586'],
      ['email', 'settings.host', 'localhost'],
      ['mattermost', 'secrets.webhookUrl', 'http://[::1]:8065/hooks/x'],
    ];
    const outcomes: string[] = [];
    for (const [kind, field, value] of refused) {
      const res = await create(withField(bodies()[kind], field, value));
      outcomes.push(`${kind} ${res.status} ${fieldsOf(res.body)} ${res.body.errors?.[0]?.message.includes('does not connect to')}`);
    }
    expect(outcomes).toEqual(refused.map(([kind, field]) => `${kind} 400 ${field} true`));
    // The unsaved test route checks the same before anything is queued.
    const test = await send<ProblemDetails>(
      'POST',
      '/api/v1/notification-channels/test',
      testBody(withField(bodies().webhook, 'settings.url', refused[0][2])),
    );
    expect([test.status, fieldsOf(test.body)]).toEqual([400, 'settings.url']);
    expect(await channels()).toEqual(before);
  });

  it("keeps filters to the team's own projects and environments; an empty list means every one", async () => {
    const project = (await send<{ id: string }>('POST', '/api/v1/projects', { name: 'Shop' })).body;
    const environment = (await send<Paginated<{ id: string }>>('GET', `/api/v1/projects/${project.id}/environments`)).body.items[0];
    const filtered = await create({ ...bodies().slack, name: 'filtered', projectIds: [project.id], environmentIds: [environment.id] });
    expect(filtered.status).toBe(201);
    expect(filtered.body).toMatchObject({ projectIds: [project.id], environmentIds: [environment.id] });
    const cleared = await send<NotificationChannelDto>('PATCH', `/api/v1/notification-channels/${filtered.body.id}`, {
      projectIds: [],
      environmentIds: null,
    });
    expect(cleared.body).toMatchObject({ projectIds: null, environmentIds: null });

    // Another team's project and environment are as unknown as a made-up id.
    const other = (await send<{ teamId: string }>('POST', '/api/v1/teams', { name: 'Other' })).body;
    const otherProject = (
      await call<{ id: string }>('POST', '/api/v1/projects', suite.owner.accessToken, { name: 'Theirs' }, { [TEAM_HEADER]: other.teamId })
    ).body;
    const otherEnvironment = (
      await call<Paginated<{ id: string }>>('GET', `/api/v1/projects/${otherProject.id}/environments`, suite.owner.accessToken)
    ).body.items[0];
    const before = await channels();
    for (const [field, id] of [
      ['projectIds', otherProject.id],
      ['environmentIds', otherEnvironment.id],
      ['projectIds', randomUUID()],
    ] as const) {
      const res = await create({ ...bodies().slack, name: 'not saved', [field]: [id] });
      expect([res.status, fieldsOf(res.body)]).toEqual([400, field]);
      const patched = await send<ProblemDetails>('PATCH', `/api/v1/notification-channels/${filtered.body.id}`, { [field]: [project.id, id] });
      expect([patched.status, fieldsOf(patched.body)]).toEqual([400, field]);
    }
    expect(await channels()).toEqual(before);
  });

  it('lets a viewer read channels and their deliveries, but not add, change, test or delete one; names are unique in the team', async () => {
    const channel = (await create({ ...bodies().slack, name: 'roles' })).body;
    const viewer = await joinTeam(call, suite.owner, `viewer-${randomUUID().slice(0, 8)}@example.com`, Role.Viewer);
    const member = await joinTeam(call, suite.owner, `member-${randomUUID().slice(0, 8)}@example.com`, Role.Member);
    const team = { [TEAM_HEADER]: suite.owner.teamId };
    const asViewer = (method: string, path: string, body?: unknown) => call(method, path, viewer.accessToken, body, team);
    expect((await asViewer('GET', '/api/v1/notification-channels')).status).toBe(200);
    expect((await asViewer('GET', `/api/v1/notification-channels/${channel.id}`)).status).toBe(200);
    expect((await asViewer('GET', `/api/v1/notification-channels/${channel.id}/deliveries`)).status).toBe(200);
    const before = await channels();
    for (const token of [viewer.accessToken, member.accessToken]) {
      const outcomes = [
        (await call('POST', '/api/v1/notification-channels', token, { ...bodies().slack, name: 'nope' }, team)).status,
        (await call('POST', '/api/v1/notification-channels/test', token, testBody(bodies().slack), team)).status,
        (await call('PATCH', `/api/v1/notification-channels/${channel.id}`, token, { name: 'nope' }, team)).status,
        (await call('POST', `/api/v1/notification-channels/${channel.id}/test`, token, undefined, team)).status,
        (await call('DELETE', `/api/v1/notification-channels/${channel.id}`, token, undefined, team)).status,
      ];
      expect(outcomes).toEqual([403, 403, 403, 403, 403]);
    }
    expect(await channels()).toEqual(before);

    const taken = await create({ ...bodies().slack, name: 'roles' });
    expect([taken.status, fieldsOf(taken.body)]).toEqual([409, 'name']);
    const other = (await create({ ...bodies().discord, name: 'roles 2' })).body;
    const renamed = await send<ProblemDetails>('PATCH', `/api/v1/notification-channels/${other.id}`, { name: 'roles' });
    expect([renamed.status, fieldsOf(renamed.body)]).toEqual([409, 'name']);
  });

  it("lists a channel's deliveries newest first with the event's kind and title, and deletes a channel with its log", async () => {
    const channel = (await create({ ...bodies().webhook, name: 'with log' })).body;
    const empty = await send<Paginated<NotificationDeliveryDto>>('GET', `/api/v1/notification-channels/${channel.id}/deliveries`);
    expect(empty.body).toEqual({ items: [], total: 0, page: 1, perPage: 20 });
    // As the worker's fan-out and delivery attempts would leave them (notifications-delivery.e2e-spec.ts makes real ones).
    const db = new Client({ connectionString: suite.stack.databaseUrl });
    await db.connect();
    try {
      for (const [title, status, ago] of [
        ['Deployment of api failed', 'failed', 60],
        ['Deployment of web succeeded', 'succeeded', 30],
        ['Deployment of db started', 'retrying', 10],
      ] as const) {
        const event = await db.query<{ id: string }>(
          `INSERT INTO notification_events (team_id, audience, kind, severity, title, message, occurred_at, fanned_out_at)
           VALUES ($1, 'team', 'deployment.failed', 'error', $2, 'why', now() - make_interval(secs => $3), now()) RETURNING id`,
          [suite.owner.teamId, title, ago],
        );
        await db.query(
          `INSERT INTO notification_deliveries (team_id, channel_id, event_id, status, attempts, response_status, last_error, created_at)
           VALUES ($1, $2, $3, $4, 2, 503, $5, now() - make_interval(secs => $6))`,
          [suite.owner.teamId, channel.id, event.rows[0].id, status, status === 'succeeded' ? null : 'The receiver answered 503', ago],
        );
      }
    } finally {
      await db.end();
    }
    const page = await send<Paginated<NotificationDeliveryDto>>('GET', `/api/v1/notification-channels/${channel.id}/deliveries?perPage=2`);
    expect(page.body.total).toBe(3);
    expect(page.body.items.map((d) => [d.title, d.eventKind, d.status, d.attempts, d.responseStatus])).toEqual([
      ['Deployment of db started', 'deployment.failed', 'retrying', 2, 503],
      ['Deployment of web succeeded', 'deployment.failed', 'succeeded', 2, 503],
    ]);
    const second = await send<Paginated<NotificationDeliveryDto>>('GET', `/api/v1/notification-channels/${channel.id}/deliveries?perPage=2&page=2`);
    expect(second.body.items.map((d) => [d.title, d.lastError])).toEqual([['Deployment of api failed', 'The receiver answered 503']]);
    const bad = await send<ProblemDetails>('GET', `/api/v1/notification-channels/${channel.id}/deliveries?perPage=0`);
    expect([bad.status, fieldsOf(bad.body)]).toEqual([400, 'perPage']);

    expect((await send('DELETE', `/api/v1/notification-channels/${channel.id}`)).status).toBe(204);
    expect((await send('GET', `/api/v1/notification-channels/${channel.id}`)).status).toBe(404);
    expect((await send('GET', `/api/v1/notification-channels/${channel.id}/deliveries`)).status).toBe(404);
    const audit = await send<Paginated<AuditEventDto>>('GET', '/api/v1/audit-events?perPage=100');
    expect(audit.body.items.find((e) => e.action === 'notification_channel.deleted' && e.target?.id === channel.id)?.metadata).toEqual({
      name: 'with log',
      kind: 'webhook',
    });
  });

  it('documents every route, its answers and its bodies in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${suite.stack.baseUrl}/api/docs-json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    const routes = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/v1/notification'))
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(routes).toEqual(
      [
        'GET /api/v1/notification-channels',
        'POST /api/v1/notification-channels',
        'POST /api/v1/notification-channels/test',
        'GET /api/v1/notification-channels/{channelId}',
        'PATCH /api/v1/notification-channels/{channelId}',
        'DELETE /api/v1/notification-channels/{channelId}',
        'POST /api/v1/notification-channels/{channelId}/test',
        'GET /api/v1/notification-channels/{channelId}/deliveries',
        'GET /api/v1/notifications',
        'GET /api/v1/notifications/unread-count',
        'POST /api/v1/notifications/read',
      ].sort(),
    );
    expect(Object.keys(doc.paths['/api/v1/notification-channels'].post.responses)).toEqual(
      expect.arrayContaining(['201', '400', '403', '404', '409']),
    );
    expect(Object.keys(doc.paths['/api/v1/notification-channels/{channelId}/test'].post.responses)).toEqual(expect.arrayContaining(['200', '503']));
    expect(doc.components.schemas.CreatedNotificationChannelDoc.properties).toHaveProperty('signingSecret');
    for (const schema of [
      'EmailChannelSettingsDoc',
      'NotificationChannelSecretsDoc',
      'NotificationTestResultDoc',
      'NotificationDeliveryPageDoc',
      'NotificationPageDoc',
    ])
      expect(doc.components.schemas).toHaveProperty(schema);
  });
});
