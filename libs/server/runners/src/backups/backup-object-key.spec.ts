import { injectionPayloads } from '@zpanel/core';
import { backupObjectKey } from './backup-object-key';

describe(backupObjectKey.name, () => {
  const team = '0b5e6f8a-1c2d-4e3f-8a9b-0c1d2e3f4a5b';
  const database = '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
  const backup = '2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a';
  const at = new Date('2026-03-04T05:06:07.890Z');

  it('names the object by team, source and start time (UTC), then the backup id', () => {
    expect(backupObjectKey({ teamId: team, sourceKind: 'database', sourceId: database, backupId: backup, at })).toBe(
      `${team}/database-${database}/2026-03-04-050607-${backup}.zpbk`,
    );
    expect(backupObjectKey({ teamId: team, sourceKind: 'volume', sourceId: database, backupId: backup, at })).toBe(
      `${team}/volume-${database}/2026-03-04-050607-${backup}.zpbk`,
    );
    expect(backupObjectKey({ teamId: null, sourceKind: 'instance', sourceId: null, backupId: backup, at })).toBe(
      `instance/instance/2026-03-04-050607-${backup}.zpbk`,
    );
  });

  it('refuses anything but ids, so no stored value can climb out of the prefix', () => {
    for (const payload of [...injectionPayloads('/tmp/zp-backup-key-canary'), '../../etc', 'A0B5E6F8-1C2D-4E3F-8A9B-0C1D2E3F4A5B']) {
      expect(() => backupObjectKey({ teamId: payload, sourceKind: 'database', sourceId: database, backupId: backup, at })).toThrow('uuid');
      expect(() => backupObjectKey({ teamId: team, sourceKind: 'database', sourceId: payload, backupId: backup, at })).toThrow('uuid');
      expect(() => backupObjectKey({ teamId: team, sourceKind: 'database', sourceId: database, backupId: payload, at })).toThrow('uuid');
    }
    expect(() => backupObjectKey({ teamId: team, sourceKind: 'database', sourceId: null, backupId: backup, at })).toThrow('uuid');
  });
});
