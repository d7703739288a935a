import { randomBytes } from 'node:crypto';
import { SecretBox } from '@zpanel/core';
import { type BackupDestinationEntity, backupSecretKeyAad } from '@zpanel/database';
import { S3ObjectStore, ServerDirectoryStore, type StreamingShell } from '@zpanel/remote';
import { destinationSettingsOf, destinationStore } from './destination-stores';

const box = new SecretBox(randomBytes(32));
const row = (fields: Partial<BackupDestinationEntity>) => ({ id: 'd-1', teamId: 't-1', ...fields }) as BackupDestinationEntity;
const policy = { resolve: async () => ['203.0.113.1'] };

describe('destination stores', () => {
  it('opens a saved S3 destination secret bound to its row, and only to it', () => {
    const s3 = row({
      kind: 's3',
      endpoint: 'https://s3.example',
      region: 'eu-1',
      bucket: 'b',
      prefix: null,
      forcePathStyle: true,
      accessKeyId: 'AK',
    });
    expect(destinationSettingsOf(s3, box.seal('sekret', backupSecretKeyAad('d-1')), box)).toEqual({
      kind: 's3',
      endpoint: 'https://s3.example',
      region: 'eu-1',
      bucket: 'b',
      prefix: '',
      forcePathStyle: true,
      accessKeyId: 'AK',
      secretAccessKey: 'sekret',
    });
    expect(() => destinationSettingsOf(s3, box.seal('sekret', backupSecretKeyAad('d-2')), box)).toThrow();
    expect(destinationSettingsOf(row({ kind: 'server', serverId: 's-1', path: '/srv/backups' }), null, box)).toEqual({
      kind: 'server',
      serverId: 's-1',
      path: '/srv/backups',
    });
  });

  it('builds the store of each kind', () => {
    const opened = destinationStore(
      {
        kind: 's3',
        endpoint: 'https://s3.example',
        region: '',
        bucket: 'b',
        prefix: 'p',
        forcePathStyle: false,
        accessKeyId: 'a',
        secretAccessKey: 's',
      },
      { policy },
    );
    expect(opened.store).toBeInstanceOf(S3ObjectStore);
    opened.close();
    const shell = { exec: jest.fn(), spawn: jest.fn() } as unknown as StreamingShell;
    const server = destinationStore(
      { kind: 'server', serverId: 's-1', path: '/srv/b' },
      { policy, server: { name: 'box', allowedRoots: ['/srv'], shell } },
    );
    expect(server.store).toBeInstanceOf(ServerDirectoryStore);
    expect(() => destinationStore({ kind: 'server', serverId: 's-1', path: '/srv/b' }, { policy })).toThrow(/needs its server/);
  });
});
