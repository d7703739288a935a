import { type Paginated, type ProblemDetails, type ServerDto, type SshKeyDto, TEAM_HEADER } from '@zpanel/contracts';
import { injectionPayloads } from '@zpanel/core';
import { addTestServer, useOwnedStack, validationSettled } from '@zpanel/testing';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('SSH keys and servers (built api)', () => {
  const suite = useOwnedStack({ worker: true });
  const { asOwner, inTeam: call } = suite;
  let keyId: string;

  /** The distinct fields a 400 names (one field may fail several constraints). */
  const fieldsOf = (r: { body: unknown }) => [...new Set(((r.body as ProblemDetails).errors ?? []).map((e) => e.field))];

  describe('SSH keys', () => {
    it('generates an ed25519 key and returns only its public half', async () => {
      const created = await asOwner<SshKeyDto>('POST', '/api/v1/ssh-keys', { name: 'generated' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        type: 'ssh-ed25519',
        publicKey: expect.stringMatching(/^ssh-ed25519 AAAA\S+ zpanel$/),
        fingerprint: expect.stringMatching(/^SHA256:/),
        serverCount: 0,
      });
      expect(created.text).not.toMatch(/PRIVATE KEY|privateKey/);
      keyId = created.body.id;
    });

    it('accepts a pasted key, stores it sealed, and refuses what it cannot use', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'zp-key-'));
      try {
        execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'pasted', '-f', join(dir, 'k')]);
        const privateKey = readFileSync(join(dir, 'k'), 'utf8');
        const expected = execFileSync('ssh-keygen', ['-l', '-f', join(dir, 'k.pub')])
          .toString()
          .split(' ')[1];
        const pasted = await asOwner<SshKeyDto>('POST', '/api/v1/ssh-keys', { name: 'pasted', privateKey });
        expect(pasted.status).toBe(201);
        expect(pasted.body.fingerprint).toBe(expected);

        const db = new (await import('pg')).Client({ connectionString: suite.stack.databaseUrl });
        await db.connect();
        const stored = (await db.query('SELECT private_key FROM ssh_keys WHERE id = $1', [pasted.body.id])).rows[0].private_key as string;
        await db.end();
        expect(stored).toMatch(/^v1\./);
        expect(stored).not.toContain('OPENSSH');

        execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'pass phrase', '-f', join(dir, 'locked')]);
        const locked = await asOwner('POST', '/api/v1/ssh-keys', { name: 'locked', privateKey: readFileSync(join(dir, 'locked'), 'utf8') });
        expect(locked.status).toBe(400);
        expect(fieldsOf(locked)).toEqual(['privateKey']);
        expect(fieldsOf(await asOwner('POST', '/api/v1/ssh-keys', { name: 'public', privateKey: readFileSync(join(dir, 'k.pub'), 'utf8') }))).toEqual(
          ['privateKey'],
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('servers', () => {
    const valid = () => ({ name: 'web-1', host: 'web-1.example.com', port: 2222, user: 'deploy', sshKeyId: keyId, description: 'first' });

    it('refuses every injection payload in name, host and user, naming the field and storing nothing', async () => {
      const canary = '/tmp/zp-pwned-servers';
      for (const field of ['name', 'host', 'user'] as const) {
        for (const payload of injectionPayloads(canary)) {
          const r = await asOwner('POST', '/api/v1/servers', { ...valid(), [field]: payload });
          expect({ field, payload: payload.slice(0, 40), status: r.status, fields: fieldsOf(r) }).toEqual({
            field,
            payload: payload.slice(0, 40),
            status: 400,
            fields: [field],
          });
        }
      }
      for (const port of [0, 70000, '22; rm -rf /', 22.5, '-oProxyCommand=x']) {
        const r = await asOwner('POST', '/api/v1/servers', { ...valid(), port });
        expect(fieldsOf(r)).toEqual(['port']);
      }
      expect((await asOwner<Paginated<ServerDto>>('GET', '/api/v1/servers')).body.total).toBe(0);
    });

    it('accepts IPv4, IPv6 and DNS names, and creates the server pending validation', async () => {
      for (const [i, host] of ['203.0.113.7', '2001:db8::1', 'Host-1.example.com'].entries()) {
        const r = await asOwner<ServerDto>('POST', '/api/v1/servers', { ...valid(), name: `host-${i}`, host });
        expect(r.status).toBe(201);
        expect(r.body).toMatchObject({ host, status: 'pending', hostKeyFingerprint: null });
      }
      const created = await asOwner<ServerDto>('POST', '/api/v1/servers', valid());
      expect(created.body).toMatchObject({ name: 'web-1', port: 2222, user: 'deploy', description: 'first' });
      const duplicate = await asOwner('POST', '/api/v1/servers', valid());
      expect(duplicate.status).toBe(409);
      expect(fieldsOf(duplicate)).toEqual(['name']);
    });

    it('refuses a key of another team as if it did not exist', async () => {
      const { teamId } = (await call<{ teamId: string }>('POST', '/api/v1/teams', suite.owner.accessToken, { name: 'Other' })).body;
      const otherKey = (await call<SshKeyDto>('POST', '/api/v1/ssh-keys', suite.owner.accessToken, { name: 'theirs' }, { [TEAM_HEADER]: teamId }))
        .body;
      const r = await asOwner('POST', '/api/v1/servers', { ...valid(), name: 'cross', sshKeyId: otherKey.id });
      expect(r.status).toBe(400);
      expect(fieldsOf(r)).toEqual(['sshKeyId']);
    });

    it('sends a server back to validation when how it is reached changes, and keeps a key in use', async () => {
      const list = (await asOwner<Paginated<ServerDto>>('GET', '/api/v1/servers?perPage=2&page=1')).body;
      expect(list).toMatchObject({ total: 4, perPage: 2 });
      const server = (await asOwner<Paginated<ServerDto>>('GET', '/api/v1/servers?perPage=10')).body.items.find(
        (s) => s.name === 'web-1',
      ) as ServerDto;
      const described = await asOwner<ServerDto>('PATCH', `/api/v1/servers/${server.id}`, { description: 'front' });
      expect(described.body).toMatchObject({ description: 'front', status: 'pending' });
      expect(fieldsOf(await asOwner('PATCH', `/api/v1/servers/${server.id}`, { host: '$(touch /tmp/x)' }))).toEqual(['host']);
      expect((await asOwner<ServerDto>('PATCH', `/api/v1/servers/${server.id}`, { host: '198.51.100.4' })).body).toMatchObject({
        host: '198.51.100.4',
        status: 'pending',
        hostKeyFingerprint: null,
      });

      const inUse = await asOwner('DELETE', `/api/v1/ssh-keys/${keyId}`);
      expect(inUse.status).toBe(409);
      expect((await asOwner('DELETE', `/api/v1/servers/${server.id}`)).status).toBe(204);
      expect((await asOwner('GET', `/api/v1/servers/${server.id}`)).status).toBe(404);
    });
  });

  describe('validation through the worker', () => {
    it('validates the test server over SSH and pins its host key; trusting a new key validates again', async () => {
      const server = await addTestServer(asOwner);

      const queued = await asOwner<ServerDto>('POST', `/api/v1/servers/${server.id}/validate`);
      expect(queued.status).toBe(202);
      expect(queued.body.status).toBe('validating');
      const ready = await validationSettled(asOwner, server.id);
      expect(ready).toMatchObject({
        status: 'ready',
        statusReason: null,
        hostKeyFingerprint: expect.stringMatching(/^SHA256:/),
        dockerVersion: expect.stringMatching(/^\d+\./),
      });

      const trusted = await asOwner<ServerDto>('POST', `/api/v1/servers/${server.id}/trust-host-key`);
      expect(trusted.body).toMatchObject({ status: 'validating', hostKeyFingerprint: null });
      const again = await validationSettled(asOwner, server.id);
      expect(again).toMatchObject({ status: 'ready', hostKeyFingerprint: ready.hostKeyFingerprint });
    });
  });
});
