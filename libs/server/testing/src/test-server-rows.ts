import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type SecretBox, newBackupDataKey, sealBackupDataKey } from '@zpanel/core';
import { type ServerEntity, backupSecretKeyAad, sshKeyAad } from '@zpanel/database';
import { type SeededEnvironment, type SeededTeam, seedBackupDestination, seedEnvironment, seedTeamWithServer } from '@zpanel/database/testing';
import type { DataSource } from 'typeorm';
import type { DisposableS3Server } from './s3-server';
import { testSshTarget } from './test-env';

/**
 * For `seedTeamWithServer`/`seedServer` rows a worker handler connects with: the test server's
 * private key, sealed for the key's row as the worker opens it.
 */
export function testServerKey(box: SecretBox): (keyId: string) => string {
  const pem = readFileSync(testSshTarget().privateKeyPath, 'utf8');
  return (keyId) => box.seal(pem, sshKeyAad(keyId));
}

/** The test server's address, as a server row's columns. */
export function testServerAddress(): Pick<ServerEntity, 'host' | 'port' | 'user'> {
  const ssh = testSshTarget();
  return { host: ssh.host, port: ssh.port, user: ssh.username };
}

/**
 * A team whose server is the test server (reachable with its key), a project environment, and an S3
 * backup destination on `s3` (prefix `zp`, its secret and a fresh data key sealed as the API seals
 * them): what the worker's backup runs need to reach real parts.
 */
export async function seedBackupWorkspaceOnS3(
  db: DataSource,
  box: SecretBox,
  s3: DisposableS3Server,
  team: string,
): Promise<{ workspace: SeededTeam & SeededEnvironment; destinationId: string }> {
  const seeded = await seedTeamWithServer(db, {
    team,
    server: { ...testServerAddress(), name: 'backup-server', status: 'ready' },
    privateKey: testServerKey(box),
  });
  const workspace = { ...seeded, ...(await seedEnvironment(db, seeded)) };
  const destinationId = randomUUID();
  await seedBackupDestination(db, workspace, {
    id: destinationId,
    name: 'loopback-s3',
    ...s3.settings,
    prefix: 'zp',
    secretAccessKey: box.seal(s3.secretAccessKey, backupSecretKeyAad(destinationId)),
    dataKey: sealBackupDataKey(box, destinationId, newBackupDataKey()),
  });
  return { workspace, destinationId };
}
