import { randomBytes, randomUUID } from 'node:crypto';
import { signJwt } from '@zpanel/core';
import { DownloadLinks } from './download-links';

describe(DownloadLinks.name, () => {
  const secret = randomBytes(32);
  const links = new DownloadLinks(secret, 300);
  const grant = { backupId: randomUUID(), teamId: randomUUID(), userId: randomUUID() };
  const NOW = Date.parse('2026-12-07T12:00:00Z');

  it('opens a link it signed, for its backup, until it expires', async () => {
    const { token, expiresAt } = await links.sign(grant, NOW);
    expect(expiresAt.getTime()).toBe(NOW + 300_000);
    await expect(links.verify(token, grant.backupId, NOW + 299_000)).resolves.toEqual(grant);
    await expect(links.verify(token, grant.backupId, NOW + 301_000)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuses it for another backup, with another key, altered, or missing', async () => {
    const { token } = await links.sign(grant, NOW);
    await expect(links.verify(token, randomUUID(), NOW)).rejects.toMatchObject({ code: 'not_found' });
    await expect(new DownloadLinks(randomBytes(32), 300).verify(token, grant.backupId, NOW)).rejects.toMatchObject({ code: 'not_found' });
    const [header, payload, signature] = token.split('.');
    const flipped = `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    await expect(links.verify(flipped, grant.backupId, NOW)).rejects.toMatchObject({ code: 'not_found' });
    for (const bad of [undefined, '', ['a', 'b'], 'x'.repeat(10_000)]) {
      await expect(links.verify(bad, grant.backupId, NOW)).rejects.toMatchObject({ code: 'not_found' });
    }
  });

  it('refuses another purpose’s token signed with the instance key itself, and a lifetime above its own', async () => {
    const raw = await signJwt({ typ: 'backup-download', bid: grant.backupId, tid: grant.teamId, sub: grant.userId }, secret, 60, NOW);
    await expect(links.verify(raw.token, grant.backupId, NOW)).rejects.toMatchObject({ code: 'not_found' });
    const long = await new DownloadLinks(secret, 3600).sign(grant, NOW);
    await expect(links.verify(long.token, grant.backupId, NOW)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('names an instance backup with a null team, and refuses a link naming no team at all', async () => {
    const instanceGrant = { ...grant, teamId: null };
    const { token } = await links.sign(instanceGrant, NOW);
    await expect(links.verify(token, grant.backupId, NOW)).resolves.toEqual(instanceGrant);
    const derived = new DownloadLinks(secret, 300) as unknown as { key: Buffer };
    const noTeam = await signJwt({ typ: 'backup-download', bid: grant.backupId, sub: grant.userId }, derived.key, 300, NOW);
    await expect(links.verify(noTeam.token, grant.backupId, NOW)).rejects.toMatchObject({ code: 'not_found' });
  });
});
