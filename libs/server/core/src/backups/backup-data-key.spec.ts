import { randomBytes } from 'node:crypto';
import { SecretBox, keyId } from '../crypto/secret-box';
import { backupDataKeyId, newBackupDataKey, openBackupDataKey, sealBackupDataKey } from './backup-data-key';

describe('backup data keys', () => {
  const box = new SecretBox(randomBytes(32));

  it('are 32 fresh random bytes, sealed for their destination and opened back', () => {
    const key = newBackupDataKey();
    expect(key.length).toBe(32);
    expect(newBackupDataKey().equals(key)).toBe(false);
    const sealed = sealBackupDataKey(box, 'dest-1', key);
    expect(sealed).not.toContain(key.toString('base64'));
    expect(openBackupDataKey(box, 'dest-1', sealed).equals(key)).toBe(true);
    expect(backupDataKeyId(key)).toBe(keyId(key));
  });

  it("cannot be opened as another destination's key, nor by another instance key", () => {
    const sealed = sealBackupDataKey(box, 'dest-1', newBackupDataKey());
    expect(() => openBackupDataKey(box, 'dest-2', sealed)).toThrow('could not be decrypted');
    expect(() => openBackupDataKey(new SecretBox(randomBytes(32)), 'dest-1', sealed)).toThrow('unknown key');
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => sealBackupDataKey(box, 'dest-1', randomBytes(16))).toThrow('32 bytes');
    expect(() => openBackupDataKey(box, 'dest-1', box.seal(randomBytes(16).toString('base64'), 'backup-destination:dest-1:data-key'))).toThrow(
      '32 bytes',
    );
  });
});
