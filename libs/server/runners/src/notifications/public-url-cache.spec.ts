import type { InstanceRepository } from '@zpanel/database';
import { PUBLIC_URL_TTL_MS, PublicUrlCache } from './public-url-cache';

describe(PublicUrlCache.name, () => {
  it('reads the public URL again only once the last read is older than its TTL', async () => {
    const values = ['https://a.example', 'https://b.example'];
    let reads = 0;
    const cache = new PublicUrlCache({ publicUrl: async () => values[reads++] ?? null } as unknown as InstanceRepository);
    expect(await cache.get(1_000)).toBe('https://a.example');
    expect(await cache.get(1_000 + PUBLIC_URL_TTL_MS - 1)).toBe('https://a.example');
    expect(reads).toBe(1);
    expect(await cache.get(1_000 + PUBLIC_URL_TTL_MS)).toBe('https://b.example');
    expect(reads).toBe(2);
  });
});
