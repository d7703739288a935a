import { Client } from 'pg';
import { type CreatedInvitationResponse, PROBLEM_CONTENT_TYPE, Role, TEAM_HEADER } from '@zpanel/contracts';
import { apiCaller, useOwnedStack } from '@zpanel/testing';

/**
 * Every body field of every operation in the API's own OpenAPI document gets each hostile value;
 * each must be a 4xx problem+json (never a 500) and nothing in the database may change.
 */
type Schema = { $ref?: string; properties?: Record<string, Schema>; allOf?: Schema[]; nullable?: boolean };
type Operation = { requestBody?: { content?: Record<string, { schema?: Schema }> }; parameters?: { name: string; in: string }[] };
type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

const deep = (levels: number): unknown => {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i += 1) value = { a: value };
  return value;
};

const HOSTILE: [string, unknown][] = [
  ['a NUL character', 'before\u0000after'],
  ['a lone surrogate', 'x\ud800y'],
  ['null', null],
  ['a 200-deep object', deep(200)],
];

/** Not UTF-8: a lone continuation byte and an overlong encoding inside a JSON string. */
const invalidUtf8Body = (field: string) => Buffer.concat([Buffer.from(`{"${field}":"a`), Buffer.from([0x80, 0xc0, 0xaf]), Buffer.from('b"}')]);

/** Runs `tasks` at most `limit` at a time. */
async function inBatches<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < tasks.length; i += limit) results.push(...(await Promise.all(tasks.slice(i, i + limit).map((task) => task()))));
  return results;
}

// At the file's level: the suite's own afterAll (its database client) runs before the stack stops.
const suite = useOwnedStack();

describe('hostile input on every body field (OpenAPI-driven)', () => {
  let doc: Document;
  let db: Client;
  const ids: Record<string, string> = {};
  const call = apiCaller(() => suite.stack.baseUrl);

  const fill = (path: string) =>
    path.replace(/\{(\w+)\}/g, (_, name: string) => {
      if (!ids[name]) throw new Error(`no id for path parameter {${name}} in ${path}: add it to the fixture`);
      return encodeURIComponent(ids[name]);
    });

  const resolve = (schema: Schema | undefined): Record<string, Schema> => {
    if (!schema) return {};
    if (schema.$ref) return resolve(doc.components.schemas[schema.$ref.split('/').pop() as string]);
    if (schema.allOf) return Object.assign({}, ...schema.allOf.map(resolve));
    return schema.properties ?? {};
  };

  /** Every row of every table, hashed: "nothing stored" is checked across the whole database. */
  const databaseState = async () => {
    const tables = (await db.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)).rows;
    const state: Record<string, string> = {};
    for (const { name } of tables) {
      const row = (
        await db.query<{ n: string; h: string }>(
          `SELECT count(*) AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM "${name}" t`,
        )
      ).rows[0];
      state[name] = `${row.n} ${row.h}`;
    }
    return state;
  };

  const send = async (method: string, path: string, body: Buffer | string) => {
    const res = await fetch(`${suite.stack.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${suite.owner.accessToken}`, [TEAM_HEADER]: suite.owner.teamId, 'content-type': 'application/json' },
      body: method === 'GET' ? undefined : body,
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', text };
  };

  const verdict = (label: string, res: { status: number; type: string; text: string }) =>
    res.status >= 400 && res.status < 500 && res.type.startsWith(PROBLEM_CONTENT_TYPE)
      ? null
      : `${label} -> ${res.status} ${res.type} ${res.text.slice(0, 200)}`;

  beforeAll(async () => {
    db = new Client({ connectionString: suite.stack.databaseUrl });
    await db.connect();
    const team = { [TEAM_HEADER]: suite.owner.teamId };
    const created = async (method: string, path: string, body: unknown, headers: Record<string, string> = {}) => {
      const res = await call<{ id: string }>(method, path, suite.owner.accessToken, body, headers);
      if (res.status >= 300) throw new Error(`${method} ${path} -> ${res.status} ${res.text}`);
      return res.body;
    };
    const invitation = (await created('POST', `/api/v1/teams/${suite.owner.teamId}/invitations`, {
      email: 'member@example.com',
      role: Role.Member,
    })) as unknown as CreatedInvitationResponse;
    const member = await call<{ user: { id: string } }>('POST', '/api/v1/invitations/register', undefined, {
      token: invitation.token,
      name: 'member',
      password: 'fuzz test passphrase',
    });
    ids.teamId = suite.owner.teamId;
    ids.userId = member.body.user.id;
    ids.invitationId = (
      await created('POST', `/api/v1/teams/${suite.owner.teamId}/invitations`, { email: 'pending@example.com', role: Role.Member })
    ).id;
    ids.tokenId = (await created('POST', `/api/v1/teams/${suite.owner.teamId}/api-tokens`, { name: 'ci', abilities: ['read'] })).id;
    ids.sshKeyId = (await created('POST', '/api/v1/ssh-keys', { name: 'deploy' }, team)).id;
    ids.serverId = (await created('POST', '/api/v1/servers', { name: 'web-1', host: '192.0.2.10', sshKeyId: ids.sshKeyId }, team)).id;
    // No worker runs here: runs and deployments stay queued.
    ids.runId = (await created('POST', `/api/v1/servers/${ids.serverId}/commands`, { command: 'uptime' })).id;
    ids.ruleId = (
      (await call<{ items: { id: string }[] }>('GET', `/api/v1/servers/${ids.serverId}/alert-rules`, suite.owner.accessToken)).body.items[0] as {
        id: string;
      }
    ).id;
    ids.projectId = (await created('POST', '/api/v1/projects', { name: 'Shop' }, team)).id;
    ids.environmentId = (
      (await call<{ items: { id: string }[] }>('GET', `/api/v1/projects/${ids.projectId}/environments`, suite.owner.accessToken)).body.items[0] as {
        id: string;
      }
    ).id;
    ids.applicationId = (
      await created(
        'POST',
        '/api/v1/applications',
        { environmentId: ids.environmentId, serverId: ids.serverId, name: 'shop', buildPack: 'image', imageReference: 'nginx:1.27', port: 80 },
        team,
      )
    ).id;
    ids.deploymentId = (await created('POST', `/api/v1/applications/${ids.applicationId}/deployments`, {})).id;
    ids.key = 'FUZZ_KEY';
    ids.containerId = 'fuzz-app';
    ids.action = 'stop';
    ids.previewId = '00000000-0000-4000-8000-000000000000';
    // Every hostile body is refused before the database is looked up.
    ids.databaseId = '00000000-0000-4000-8000-000000000001';
    ids.mountId = '00000000-0000-4000-8000-000000000002';
    ids.backupId = '00000000-0000-4000-8000-000000000003';
    ids.volumeId = '00000000-0000-4000-8000-000000000004';
    ids.destinationId = '00000000-0000-4000-8000-000000000005';
    ids.scheduleId = '00000000-0000-4000-8000-000000000006';
    ids.channelId = '00000000-0000-4000-8000-000000000007';
    ids.provider = 'github';
    doc = (await (await fetch(`${suite.stack.baseUrl}/api/docs-json`)).json()) as Document;
  }, 60_000);

  afterAll(async () => {
    await db?.end();
  });

  it('answers every hostile body value with a 4xx problem+json and stores nothing', async () => {
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, operation]) => operation.requestBody?.content?.['application/json'])
        .map(([method, operation]) => ({
          method: method.toUpperCase(),
          path,
          fields: Object.entries(resolve(operation.requestBody?.content?.['application/json']?.schema)),
        })),
    );
    // The walk must reach these known body-taking routes, or a broken OpenAPI walk would pass while testing nothing.
    expect(operations.map((o) => `${o.method} ${o.path}`)).toEqual(
      expect.arrayContaining(['PATCH /api/v1/servers/{serverId}', 'POST /api/v1/auth/login', 'POST /api/v1/projects']),
    );
    expect(operations.every((o) => o.fields.length > 0)).toBe(true);

    const before = await databaseState();
    const tasks = operations.flatMap(({ method, path, fields }) =>
      fields.flatMap(([field, schema]) => [
        // A field documented as nullable takes null (it clears the value): not hostile there.
        ...HOSTILE.filter(([, value]) => !(value === null && schema.nullable)).map(
          ([name, value]) =>
            async () =>
              verdict(`${method} ${path} ${field}=${name}`, await send(method, fill(path), JSON.stringify({ [field]: value }))),
        ),
        async () => verdict(`${method} ${path} ${field}=invalid UTF-8`, await send(method, fill(path), invalidUtf8Body(field))),
      ]),
    );
    expect(tasks.length).toBeGreaterThan(100);
    const failures = (await inBatches(tasks, 8)).filter((failure): failure is string => failure !== null);
    expect(failures).toEqual([]);
    expect(await databaseState()).toEqual(before);
  }, 120_000);

  it('names the field: a NUL, a lone surrogate and a null each come back as a 400 naming it', async () => {
    const path = `/api/v1/servers/${ids.serverId}`;
    for (const [value, message] of [
      ['a\u0000b', 'description must not contain a NUL character'],
      ['a\ud800b', 'description must be valid Unicode text (no lone UTF-16 surrogates)'],
      [null, 'description must not be null'],
    ] as const) {
      const res = await send('PATCH', path, JSON.stringify({ description: value }));
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text)).toMatchObject({ code: 'validation_failed', errors: [{ field: 'description', message }] });
    }
    const nested = await send('PATCH', path, JSON.stringify({ description: deep(200) }));
    expect(nested.status).toBe(400);
    expect(JSON.parse(nested.text).errors[0].message).toMatch(/nests deeper than 32 levels/);
    const bytes = await send('PATCH', path, invalidUtf8Body('description'));
    expect(bytes.status).toBe(400);
    expect(JSON.parse(bytes.text)).toMatchObject({ code: 'malformed_body', detail: 'The request body is not valid UTF-8' });
  });

  it('refuses RTL overrides, zero-width characters and newlines in every display name, naming the field and storing nothing', async () => {
    const invitation = (
      await call<CreatedInvitationResponse>('POST', `/api/v1/teams/${suite.owner.teamId}/invitations`, suite.owner.accessToken, {
        email: 'names@example.com',
        role: Role.Member,
      })
    ).body;
    const routes: [string, string, string, Record<string, unknown>][] = [
      ['POST', '/api/v1/setup/owner', 'name', { email: 'x@example.com', password: 'a long enough passphrase', teamName: 'Acme' }],
      ['POST', '/api/v1/setup/owner', 'teamName', { email: 'x@example.com', password: 'a long enough passphrase', name: 'Ada' }],
      ['POST', '/api/v1/teams', 'name', {}],
      ['POST', '/api/v1/projects', 'name', {}],
      ['PATCH', `/api/v1/projects/${ids.projectId}`, 'name', {}],
      ['POST', `/api/v1/projects/${ids.projectId}/environments`, 'name', {}],
      ['POST', '/api/v1/ssh-keys', 'name', {}],
      ['POST', '/api/v1/servers', 'name', { host: '192.0.2.11', sshKeyId: ids.sshKeyId }],
      ['PATCH', `/api/v1/servers/${ids.serverId}`, 'name', {}],
      [
        'POST',
        '/api/v1/applications',
        'name',
        { environmentId: ids.environmentId, serverId: ids.serverId, buildPack: 'image', imageReference: 'nginx:1.27', port: 80 },
      ],
      ['PATCH', `/api/v1/applications/${ids.applicationId}`, 'name', {}],
      ['POST', `/api/v1/teams/${suite.owner.teamId}/api-tokens`, 'name', { abilities: ['read'] }],
      [
        'POST',
        '/api/v1/notification-channels',
        'name',
        { kind: 'slack', secrets: { webhookUrl: 'https://192.0.2.12/services/x' }, events: ['deployment.failed'] },
      ],
      ['POST', '/api/v1/invitations/register', 'name', { token: invitation.token, password: 'a long enough passphrase' }],
    ];
    const names = ['evil\u202etxt.exe', 'ad\u200bmin', 'two\nlines', '\u2066isolated\u2069', 'b\ufeffom', 'mark\u200f'];
    const before = await databaseState();
    const outcomes: string[] = [];
    for (const [method, path, field, rest] of routes) {
      for (const name of names) {
        const res = await send(method, path, JSON.stringify({ ...rest, [field]: name }));
        const fields =
          res.status === 400
            ? (JSON.parse(res.text) as { errors?: { field: string }[] }).errors?.map((e) => e.field).join(',')
            : res.text.slice(0, 120);
        outcomes.push(`${method} ${path} ${field}=${JSON.stringify(name)} -> ${res.status} ${fields}`);
      }
    }
    expect(outcomes).toEqual(
      routes.flatMap(([method, path, field]) => names.map((name) => `${method} ${path} ${field}=${JSON.stringify(name)} -> 400 ${field}`)),
    );
    expect(await databaseState()).toEqual(before);
  });

  it('checks query strings and path parameters the same way', async () => {
    const query = await send('GET', `/api/v1/audit-events?search=${encodeURIComponent('a\u0000b')}`, '');
    expect(query.status).toBe(400);
    expect(JSON.parse(query.text).errors).toEqual([{ field: 'search', message: 'search must not contain a NUL character' }]);
    const param = await send(
      'PUT',
      `/api/v1/applications/${ids.applicationId}/env/${encodeURIComponent('A\u0000B')}`,
      JSON.stringify({ value: 'x' }),
    );
    expect(param.status).toBe(400);
    expect(JSON.parse(param.text).errors).toEqual([{ field: 'key', message: 'key must not contain a NUL character' }]);
  });
});
