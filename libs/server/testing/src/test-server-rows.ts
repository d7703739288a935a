import { readFileSync } from 'node:fs';
import type { SecretBox } from '@zpanel/core';
import { type ServerEntity, sshKeyAad } from '@zpanel/database';
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
