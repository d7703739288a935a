import type { DatabaseEngine } from '@zpanel/contracts';
import { DUMP_HEAD_BYTES, DumpChecker } from './dump-format';

/** A custom-format archive's shape as pg_dump 15 writes it: PGDMP, version 1.14.0, int size 4, offset size 8, format 1, ..., a zero-length block. */
const pgDump = () =>
  Buffer.concat([Buffer.from('PGDMP'), Buffer.from([1, 14, 0, 4, 8, 1]), Buffer.from('x'.repeat(3000)), Buffer.from([0x01, 0x02]), Buffer.alloc(5)]);
const sqlDump = (sandbox: boolean) =>
  Buffer.from(
    `${sandbox ? '/*M!999999\\- enable the sandbox mode */ \n' : ''}-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)\n--\n` +
      'INSERT INTO t VALUES (1);\n'.repeat(200) +
      '-- Dump completed on 2026-12-07 12:36:41\n',
  );
const rdb = () =>
  Buffer.concat([Buffer.from('REDIS0010'), Buffer.from('\xfa\x09redis-ver\x067.0.15', 'latin1'), Buffer.from([0xff]), Buffer.alloc(8, 7)]);

function check(engine: DatabaseEngine, bytes: Buffer, chunkSize = 7): { head: string | null; finish: string | null; headSeenEarly: boolean } {
  const checker = new DumpChecker(engine);
  let headSeenEarly = false;
  for (let at = 0; at < bytes.length; at += chunkSize) {
    checker.feed(bytes.subarray(at, at + chunkSize));
    if (checker.headSeen && at + chunkSize < bytes.length) headSeenEarly = true;
  }
  return { head: checker.headProblem(), finish: checker.finishProblem(), headSeenEarly };
}

describe(DumpChecker.name, () => {
  it.each<[DatabaseEngine, () => Buffer]>([
    ['postgresql', pgDump],
    ['mariadb', () => sqlDump(true)],
    ['mysql', () => sqlDump(false)],
    ['redis', rdb],
  ])('takes a whole %s dump, in chunks of any size', (engine, dump) => {
    for (const size of [1, 7, 4096, 1 << 20]) {
      expect(check(engine, dump(), size)).toMatchObject({ head: null, finish: null });
    }
  });

  it('judges the start once it saw its first bytes, before the end', () => {
    const result = check('mariadb', sqlDump(true), 512);
    expect(result.headSeenEarly).toBe(true);
    expect(DUMP_HEAD_BYTES).toBeLessThan(sqlDump(true).length);
  });

  it.each<[DatabaseEngine, Buffer, RegExp]>([
    ['postgresql', Buffer.from('-- PostgreSQL database dump\nCREATE TABLE t ();\n'), /pg_dump -Fc/],
    ['postgresql', Buffer.concat([Buffer.from('PGDMP'), Buffer.from([1, 14, 0, 4, 8, 3]), Buffer.alloc(600)]), /tar or directory/],
    ['postgresql', Buffer.from('PGDMP'), /ends inside the archive header/],
    ['mariadb', Buffer.from('PK\x03\x04 a zip file'), /mariadb-dump/],
    ['mariadb', pgDump(), /mariadb-dump/],
    ['redis', sqlDump(false), /RDB/],
    ['redis', Buffer.from('REDIS'), /RDB/],
    ['postgresql', Buffer.alloc(0), /empty/],
  ])('refuses a start that is not a %s dump', (engine, bytes, words) => {
    const result = check(engine, bytes);
    expect(result.head).toMatch(words);
    expect(result.finish).toMatch(words);
  });

  it.each<[DatabaseEngine, Buffer]>([
    ['postgresql', pgDump().subarray(0, 2000)],
    ['postgresql', pgDump().subarray(0, pgDump().length - 1)],
    ['mariadb', sqlDump(true).subarray(0, 3000)],
    ['redis', rdb().subarray(0, rdb().length - 3)],
  ])('refuses a %s dump cut short', (engine, bytes) => {
    const result = check(engine, bytes, 100);
    expect(result.head).toBeNull();
    expect(result.finish).toMatch(/truncated/);
  });
});
