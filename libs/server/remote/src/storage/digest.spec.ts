import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DigestingStream, type Digests, etagVerdict } from './digest';

const md5 = (data: Buffer) => createHash('md5').update(data).digest();

async function digestsOf(data: Buffer, partSize: number, chunk: number): Promise<Digests> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunk) chunks.push(data.subarray(i, i + chunk));
  const digesting = new DigestingStream(partSize);
  const passed: Buffer[] = [];
  digesting.on('data', (c: Buffer) => passed.push(c));
  await pipeline(Readable.from(chunks), digesting);
  expect(Buffer.concat(passed).equals(data)).toBe(true);
  return digesting.digests();
}

describe('DigestingStream', () => {
  it.each([
    ['chunks smaller than a part', 1000],
    ['chunks larger than a part, across boundaries', 2500],
    ['one chunk', 1_000_000],
  ])('gives the S3 multipart ETag of its parts (%s)', async (_name, chunk) => {
    const data = randomBytes(1024 * 3 + 17);
    const digests = await digestsOf(data, 1024, chunk);
    const parts = [0, 1, 2, 3].map((i) => md5(data.subarray(i * 1024, (i + 1) * 1024)));
    expect(digests).toEqual({
      sizeBytes: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
      md5: md5(data).toString('hex'),
      multipartEtag: `${md5(Buffer.concat(parts)).toString('hex')}-4`,
    });
  });

  it('counts an exact multiple of the part size without an empty last part, and an empty body as one', async () => {
    const data = randomBytes(2048);
    expect((await digestsOf(data, 1024, 300)).multipartEtag).toMatch(/-2$/);
    expect(await digestsOf(Buffer.alloc(0), 1024, 1)).toMatchObject({
      sizeBytes: 0,
      multipartEtag: `${md5(md5(Buffer.alloc(0))).toString('hex')}-1`,
    });
  });
});

describe('etagVerdict', () => {
  const digests: Digests = { sizeBytes: 10, sha256: 'x', md5: 'a'.repeat(32), multipartEtag: `${'b'.repeat(32)}-3` };

  it('equal for either MD5 form, quoted or not', () => {
    expect(etagVerdict(`"${'b'.repeat(32)}-3"`, digests, false)).toBe('equal');
    expect(etagVerdict(`"${'A'.repeat(32)}"`, digests, false)).toBe('equal');
    expect(etagVerdict('a'.repeat(32), digests, true)).toBe('equal');
  });

  it('differs only for a multipart ETag of our part count that does not match (and no KMS/SSE-C)', () => {
    expect(etagVerdict(`"${'c'.repeat(32)}-3"`, digests, false)).toBe('differs');
    expect(etagVerdict(`"${'c'.repeat(32)}-3"`, digests, true)).toBe('unknown');
  });

  it('unknown (read back) for a plain ETag that does not match, another part count, or none', () => {
    expect(etagVerdict(`"${'c'.repeat(32)}"`, digests, false)).toBe('unknown');
    expect(etagVerdict(`"${'c'.repeat(32)}-7"`, digests, false)).toBe('unknown');
    expect(etagVerdict(undefined, digests, false)).toBe('unknown');
    expect(etagVerdict('opaque-etag-of-another-server', digests, false)).toBe('unknown');
  });
});
