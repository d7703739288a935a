import type { DatabaseEngine } from '@zpanel/contracts';

/** Bytes of an upload looked at before anything is stored: enough for every engine's header (MariaDB's follows a sandbox line). */
export const DUMP_HEAD_BYTES = 1024;
/** Bytes kept of the end, for the trailer checks. */
const TAIL_BYTES = 256;

/** pg_dump's archive format byte (`archCustom`): what `pg_restore` reads from a stream; a tar or directory archive is not. */
const PG_CUSTOM_FORMAT = 1;
const PG_HEADER_BYTES = 11;

const EXPECTED: Record<DatabaseEngine, string> = {
  postgresql: 'a pg_dump archive in custom format (pg_dump -Fc), starting with PGDMP',
  mysql: 'an SQL dump written by mysqldump or mariadb-dump (starting with its -- MySQL dump or -- MariaDB dump header)',
  mariadb: 'an SQL dump written by mariadb-dump or mysqldump (starting with its -- MariaDB dump or -- MySQL dump header)',
  redis: 'a Redis RDB file (starting with REDIS and its version)',
};

const SQL_DUMP_HEADER = /^(?:\/\*M?!\d+\\?-? [^\n]*\*\/ *\r?\n)?-- (?:MariaDB|MySQL) dump /;
const SQL_DUMP_FOOTER = /-- Dump completed(?: on [0-9: -]+)?\s*$/;

/**
 * Checks an uploaded dump as it streams by, without keeping it: its first bytes must be the engine's
 * dump header (refused before anything is stored), its last ones the engine's end (refused before
 * the stored copy counts). Trailers: a custom-format pg_dump archive ends with a zero-length block
 * (its integer size plus a sign byte of zeros), an SQL dump with `-- Dump completed`, an RDB file
 * with the EOF opcode 0xFF and an 8-byte checksum. A cut exactly at a PostgreSQL block boundary passes
 * this check; pg_restore then fails the restore with its own words.
 */
export class DumpChecker {
  private head: Buffer = Buffer.alloc(0);
  private tail: Buffer = Buffer.alloc(0);
  private total = 0;

  constructor(readonly engine: DatabaseEngine) {}

  get bytes(): number {
    return this.total;
  }

  /** True once enough of the start was seen to judge it (or the upload ended before that). */
  get headSeen(): boolean {
    return this.head.length >= DUMP_HEAD_BYTES;
  }

  feed(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.head.length < DUMP_HEAD_BYTES) this.head = Buffer.concat([this.head, chunk.subarray(0, DUMP_HEAD_BYTES - this.head.length)]);
    // A copy: the caller's chunk may be reused by the stream after this returns.
    this.tail = Buffer.from(
      chunk.length >= TAIL_BYTES ? chunk.subarray(chunk.length - TAIL_BYTES) : Buffer.concat([this.tail, chunk]).subarray(-TAIL_BYTES),
    );
  }

  /** Why the start is not a dump of the engine, or null. Call once `headSeen`, or at the end. */
  headProblem(): string | null {
    const head = this.head;
    const expected = `must be ${EXPECTED[this.engine]}`;
    if (head.length === 0) return `${expected}; the upload was empty`;
    switch (this.engine) {
      case 'postgresql':
        if (head.subarray(0, 5).toString('latin1') !== 'PGDMP') return expected;
        if (head.length < PG_HEADER_BYTES) return `${expected}; it ends inside the archive header`;
        if (head[10] !== PG_CUSTOM_FORMAT)
          return `${expected}; this archive is in another format (tar or directory), which pg_restore cannot read from a stream`;
        return null;
      case 'mysql':
      case 'mariadb':
        return SQL_DUMP_HEADER.test(head.toString('latin1')) ? null : expected;
      case 'redis':
        return /^REDIS\d{4}/.test(head.subarray(0, 9).toString('latin1')) ? null : expected;
    }
  }

  /** At the end of the upload: why it is not a whole dump (a problem at the start, or the engine's end missing), or null. */
  finishProblem(): string | null {
    const head = this.headProblem();
    if (head) return head;
    const truncated = `is truncated: it does not end as ${EXPECTED[this.engine]} does`;
    switch (this.engine) {
      case 'postgresql': {
        const intSize = this.head[8];
        if (!intSize || intSize > 8 || this.total < PG_HEADER_BYTES + intSize + 1) return truncated;
        return this.tail.subarray(-(intSize + 1)).every((byte) => byte === 0) ? null : truncated;
      }
      case 'mysql':
      case 'mariadb':
        return SQL_DUMP_FOOTER.test(this.tail.toString('latin1')) ? null : truncated;
      case 'redis':
        return this.total >= 18 && this.tail[this.tail.length - 9] === 0xff ? null : truncated;
    }
  }
}
