import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BackupDestinationCheckJob, backupDestinationCheckAad } from '@zpanel/contracts';
import { DEFAULT_OUTBOUND_DENIED_CIDRS, SecretBox } from '@zpanel/core';
import { DisposableS3Server, TEST_OUTBOUND_ALLOWED_CIDRS, testSshTarget } from '@zpanel/testing';
import type { ServerTargets } from '../servers/server-targets';
import { WorkerSshPool } from '../servers/ssh-pool.provider';
import { BackupDestinationCheckHandler } from './backup-destination-check.handler';
import { DestinationStores } from './destination-stores';

// The handler with the worker's real stores: the S3 server on loopback, and the test sshd as the team's server.
describe('BackupDestinationCheckHandler', () => {
  const box = new SecretBox(randomBytes(32));
  const network = {
    allowedCidrs: TEST_OUTBOUND_ALLOWED_CIDRS.split(','),
    outboundDeniedCidrs: [...DEFAULT_OUTBOUND_DENIED_CIDRS],
    serverDeniedCidrs: [],
  };
  const pool = new WorkerSshPool({ network });
  let s3: DisposableS3Server;
  let base: string;
  const ssh = testSshTarget();
  const targets = {
    load: async (serverId: string) =>
      serverId === 'srv-1'
        ? {
            server: { id: 'srv-1', teamId: 'team-1', name: 'box-1', allowedBindRoots: [join(base, 'root')] },
            target: { id: 'srv-1', host: ssh.host, port: ssh.port, username: ssh.username, privateKey: readFileSync(ssh.privateKeyPath) },
          }
        : undefined,
  } as unknown as ServerTargets;
  const handler = new BackupDestinationCheckHandler(new DestinationStores(targets, pool, { network }), box);

  const s3Job = (overrides: Partial<Extract<BackupDestinationCheckJob, { kind: 's3' }>> = {}, secret?: string): BackupDestinationCheckJob => ({
    kind: 's3',
    teamId: 'team-1',
    endpoint: s3.endpoint,
    region: s3.region,
    bucket: s3.bucket,
    prefix: 'checks',
    forcePathStyle: true,
    accessKeyId: s3.accessKeyId,
    sealedSecretAccessKey: box.seal(secret ?? s3.secretAccessKey, backupDestinationCheckAad('team-1')),
    secretAad: backupDestinationCheckAad('team-1'),
    ...overrides,
  });

  beforeAll(async () => {
    s3 = await DisposableS3Server.start();
    base = mkdtempSync(join(tmpdir(), 'zpanel-dest-check-'));
    await import('node:fs/promises').then((fs) => fs.mkdir(join(base, 'root')));
  });
  afterAll(async () => {
    pool.close();
    await s3.dispose();
    rmSync(base, { recursive: true, force: true });
  });

  it('an S3 destination that works answers ok with the latency', async () => {
    const result = await handler.handle(s3Job());
    expect(result).toEqual({ ok: true, latencyMs: expect.any(Number) });
  });

  it('a wrong secret, a missing bucket and a refused address answer in the storage words, never the secret', async () => {
    const wrong = await handler.handle(s3Job({}, 'not-the-secret-123'));
    expect(wrong).toEqual({ ok: false, message: expect.stringContaining('The request signature we calculated does not match') });
    expect(JSON.stringify(wrong)).not.toContain('not-the-secret-123');
    expect(await handler.handle(s3Job({ bucket: 'no-such-bucket' }))).toEqual({
      ok: false,
      message: expect.stringContaining('The specified bucket does not exist'),
    });
    const strict = { allowedCidrs: [], outboundDeniedCidrs: [...DEFAULT_OUTBOUND_DENIED_CIDRS], serverDeniedCidrs: [] };
    const refusing = new BackupDestinationCheckHandler(new DestinationStores(targets, pool, { network: strict }), box);
    expect(await refusing.handle(s3Job())).toEqual({ ok: false, message: '127.0.0.1 is an address this instance does not connect to' });
  });

  it('a secret sealed for another team is not opened', async () => {
    const job = s3Job({ sealedSecretAccessKey: box.seal(s3.secretAccessKey, backupDestinationCheckAad('team-2')) });
    expect(await handler.handle(job)).toEqual({ ok: false, message: expect.stringContaining('could not be opened') });
  });

  it('a server directory under an allowed root answers ok; a symlink out, another team and a missing server do not', async () => {
    expect(await handler.handle({ kind: 'server', teamId: 'team-1', serverId: 'srv-1', path: join(base, 'root', 'backups') })).toEqual({
      ok: true,
      latencyMs: expect.any(Number),
    });
    expect(readdirSync(join(base, 'root', 'backups'))).toEqual([]);
    symlinkSync('/etc', join(base, 'root', 'etc-link'));
    expect(await handler.handle({ kind: 'server', teamId: 'team-1', serverId: 'srv-1', path: join(base, 'root', 'etc-link') })).toEqual({
      ok: false,
      message: expect.stringContaining('which is not under one of its allowed roots'),
    });
    for (const job of [
      { kind: 'server' as const, teamId: 'team-2', serverId: 'srv-1', path: join(base, 'root') },
      { kind: 'server' as const, teamId: 'team-1', serverId: 'srv-gone', path: join(base, 'root') },
    ]) {
      expect(await handler.handle(job)).toEqual({ ok: false, message: 'the destination server no longer exists' });
    }
  }, 180_000);
});
