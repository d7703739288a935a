import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { randomBytes as bytesOf } from 'node:crypto';
import { createBackupDecoder, createBackupEncoder, injectionPayloads, keyId } from '@zpanel/core';
import { FakeObjectStore } from '@zpanel/remote/testing';
import { BackupRunner } from './backup-runner';
import { RestoreRunner } from './restore-runner';
import { buildDataSourceOptions, withDatabaseName } from '@zpanel/database';
import { createScratchDatabase } from '@zpanel/database/testing';
import { runMigrationsWithLock } from '@zpanel/database';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { InstanceDatabase, InstanceDatabaseError } from './instance-database';

const never = new AbortController().signal;

async function sql(url: string, text: string, values: unknown[] = []): Promise<Array<Record<string, unknown>>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Throwaway databases this file's verifications left on the server (each is dropped at once). */
async function verifyDatabases(url: string): Promise<string[]> {
  return (await sql(url, "SELECT datname FROM pg_database WHERE datname LIKE 'zpanel\\_verify\\_%'")).map((r) => String(r.datname));
}

describe(InstanceDatabase.name, () => {
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let instance: InstanceDatabase;
  let tools: string;
  /** A dump of the migrated database with a few rows, taken once. */
  let dumped: { bytes: Buffer; inventory: NonNullable<Awaited<ReturnType<InstanceDatabase['dump']>>['inventory']> };

  beforeAll(async () => {
    database = await createScratchDatabase();
    const source = new DataSource(buildDataSourceOptions(database.url, 'instance-database-int'));
    await source.initialize();
    await runMigrationsWithLock(source);
    await source.query("INSERT INTO teams (name) VALUES ('one'), ('two'), ('three')");
    await source.destroy();
    instance = new InstanceDatabase(database.url);
    tools = await mkdtemp(join(tmpdir(), 'zp-pgtools-'));
    const dump = await instance.dump(never);
    dumped = { bytes: await buffer(dump.stream), inventory: dump.inventory };
    await dump.done;
  });

  afterAll(async () => {
    await database?.drop();
    await rm(tools, { recursive: true, force: true });
  });

  describe('dump', () => {
    it('writes a custom-format dump and counts every table in the same snapshot', async () => {
      expect(dumped.bytes.subarray(0, 5).toString()).toBe('PGDMP');
      const tables = dumped.inventory.tables ?? [];
      expect(tables).toContainEqual({ name: 'public.teams', rows: 3 });
      expect(tables).toContainEqual({ name: 'public.users', rows: 0 });
      const expected = await sql(database.url, "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'");
      expect(tables).toHaveLength(Number(expected[0].n));
    });

    it('holds rows written after its snapshot out of both the dump and the inventory', async () => {
      const dump = await instance.dump(never);
      // pg_dump is running (or about to) on the snapshot; a write now must be in neither.
      await sql(database.url, "INSERT INTO teams (name) VALUES ('late')");
      const bytes = await buffer(dump.stream);
      await dump.done;
      expect(dump.inventory.tables).toContainEqual({ name: 'public.teams', rows: 3 });
      const verification = await instance.verify(Readable.from(bytes), dump.inventory, never);
      expect(verification).toMatchObject({ matches: true });
      expect(verification.restored.tables).toContainEqual({ name: 'public.teams', rows: 3 });
      await sql(database.url, "DELETE FROM teams WHERE name = 'late'");
    });

    it('refuses a pg_dump older than the server, in words naming both versions', async () => {
      const oldTool = join(tools, 'pg_dump_96');
      await writeFile(oldTool, '#!/bin/sh\necho "pg_dump (PostgreSQL) 9.6.24"\n');
      await chmod(oldTool, 0o755);
      const old = new InstanceDatabase(database.url, { pgDump: oldTool, pgRestore: 'pg_restore' });
      const error = await old.dump(never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InstanceDatabaseError);
      expect((error as Error).message).toMatch(
        /^pg_dump 9\.6 on the worker's host is older than the PostgreSQL \d+ server .*apt install postgresql-client-\d+/,
      );
    });

    it('says the tool is missing when it is not installed', async () => {
      const missing = new InstanceDatabase(database.url, { pgDump: join(tools, 'no-such-pg_dump'), pgRestore: 'pg_restore' });
      await expect(missing.dump(never)).rejects.toThrow(/^.*no-such-pg_dump was not found on the worker's host: install PostgreSQL's client tools/);
    });

    it('passes the password through the environment, never argv', async () => {
      // A pg_dump stand-in that records what it was given, then fails.
      const spy = join(tools, 'pg_dump_spy');
      const record = join(tools, 'spy.txt');
      await writeFile(
        spy,
        `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "pg_dump (PostgreSQL) 99.0"; exit 0; fi\necho "argv: $*" > ${record}\necho "pw: $PGPASSWORD" >> ${record}\necho "secret: $ZPANEL_SECRET_KEY" >> ${record}\nexit 3\n`,
      );
      await chmod(spy, 0o755);
      const password = decodeURIComponent(new URL(database.url).password);
      const spied = new InstanceDatabase(database.url, { pgDump: spy, pgRestore: 'pg_restore' });
      const dump = await spied.dump(never);
      dump.stream.resume();
      await expect(dump.done).rejects.toThrow('pg_dump exited with code 3');
      const seen = (await import('node:fs/promises')).readFile(record, 'utf8');
      const text = await seen;
      expect(text).toContain(`pw: ${password}`);
      expect(text).toMatch(/^argv: --format=custom --snapshot=[0-9A-F-]+ --no-password$/m);
      expect(text).toContain('secret: \n');
      expect(password.length).toBeGreaterThan(0);
    });
  });

  describe('verify', () => {
    it('restores into a throwaway database, finds the same tables and rows, and drops it', async () => {
      const verification = await instance.verify(Readable.from(dumped.bytes), dumped.inventory, never);
      expect(verification.matches).toBe(true);
      const tables = dumped.inventory.tables ?? [];
      const rows = tables.reduce((sum, t) => sum + t.rows, 0);
      expect(verification.detail).toBe(`restored cleanly; ${tables.length} tables and ${rows} rows match the dump`);
      expect(await verifyDatabases(database.url)).toEqual([]);
    });

    it('says what differs when the dump recorded other counts', async () => {
      const tables = (dumped.inventory.tables ?? []).map((t) => (t.name === 'public.teams' ? { ...t, rows: 4 } : t));
      const verification = await instance.verify(Readable.from(dumped.bytes), { tables: [...tables, { name: 'public.gone', rows: 1 }] }, never);
      expect(verification.matches).toBe(false);
      expect(verification.detail).toBe('restored, but table public.teams has 3 rows, the dump recorded 4; table public.gone is missing');
    });

    it('fails with pg_restore’s words on a truncated dump, leaving no throwaway database', async () => {
      const truncated = dumped.bytes.subarray(0, Math.floor(dumped.bytes.length / 2));
      await expect(instance.verify(Readable.from(truncated), dumped.inventory, never)).rejects.toThrow(/^pg_restore exited with code 1: /);
      expect(await verifyDatabases(database.url)).toEqual([]);
    });

    it('reports the input’s own failure (a decoder refusing the stream), not pg_restore’s', async () => {
      const input = new PassThrough();
      input.write(dumped.bytes.subarray(0, 1000));
      setImmediate(() => input.destroy(new Error('integrity check failed at chunk 2')));
      await expect(instance.verify(input, dumped.inventory, never)).rejects.toThrow('integrity check failed at chunk 2');
      expect(await verifyDatabases(database.url)).toEqual([]);
    });
  });

  describe('in the backup pipeline (source kind instance)', () => {
    it('is backed up by the BackupRunner and verified by the RestoreRunner in a scratch database, which is dropped', async () => {
      const lines: string[] = [];
      const log = { write: (text: string) => lines.push(text), redact: (text: string) => text };
      const store = new FakeObjectStore();
      const dataKey = bytesOf(32);
      const backedUp = await new BackupRunner(log).run(
        { describe: "Zpanel's own database", dump: (signal) => instance.dump(signal) },
        {
          key: 'instance/backup.zpbk',
          destinationName: 'fake',
          store,
          encoder: () => createBackupEncoder({ dataKey, compression: 'zstd' }),
          compression: 'zstd',
          dataKeyId: keyId(dataKey),
          metadata: {},
        },
        never,
      );
      if (backedUp.status !== 'succeeded') throw new Error(`backup ${backedUp.status}: ${backedUp.reason}`);
      expect(backedUp.stored.inventory).toEqual(dumped.inventory);

      const scratch = await instance.scratchDatabase(never);
      try {
        const restored = await new RestoreRunner(log).run(
          {
            store,
            destinationName: 'fake',
            location: backedUp.stored.location,
            sha256: backedUp.stored.sha256,
            sizeBytes: backedUp.stored.sizeBytes,
            decoder: () => createBackupDecoder({ dataKey }),
            inventory: backedUp.stored.inventory,
          },
          scratch,
          never,
        );
        expect(restored).toMatchObject({
          status: 'succeeded',
          detail: expect.stringMatching(/^restored cleanly; \d+ tables and \d+ rows match the dump$/),
        });
        expect(await verifyDatabases(database.url)).toEqual([scratch.name]);
      } finally {
        await scratch.remove();
      }
      expect(await verifyDatabases(database.url)).toEqual([]);
    });
  });

  describe('sealingKeyIds', () => {
    it('names the instance keys the SSH keys and destination data keys are sealed with', async () => {
      expect(await instance.sealingKeyIds()).toEqual([]);
      const team = await sql(database.url, "SELECT id FROM teams WHERE name = 'one'");
      await sql(
        database.url,
        "INSERT INTO ssh_keys (team_id, name, type, private_key, public_key, fingerprint) VALUES ($1, 'k', 'ssh-ed25519', 'v1.0123456789ab.iv.tag.ct', 'x', 'x')",
        [team[0].id],
      );
      expect(await instance.sealingKeyIds()).toEqual(['0123456789ab']);
      await sql(database.url, 'DELETE FROM ssh_keys');
    });
  });

  describe('restoreOnto', () => {
    let target: Awaited<ReturnType<typeof createScratchDatabase>>;
    beforeEach(async () => {
      target = await createScratchDatabase();
    });
    afterEach(async () => {
      await target.drop();
    });

    it('restores into an empty database, which then holds what was dumped', async () => {
      const restored = await new InstanceDatabase(target.url).restoreOnto(Readable.from(dumped.bytes), { force: false, signal: never });
      expect(restored).toEqual(dumped.inventory);
      expect(await sql(target.url, 'SELECT name FROM teams ORDER BY name')).toEqual([{ name: 'one' }, { name: 'three' }, { name: 'two' }]);
    });

    it('refuses a database that holds tables unless forced, then replaces them', async () => {
      await sql(target.url, 'CREATE TABLE leftover (id int)');
      const onto = new InstanceDatabase(target.url);
      await expect(onto.restoreOnto(Readable.from(dumped.bytes), { force: false, signal: never })).rejects.toThrow(
        /is not empty \(1 tables, e\.g\. public\.leftover\).*pass --force/,
      );
      const restored = await onto.restoreOnto(Readable.from(dumped.bytes), { force: true, signal: never });
      expect(restored).toEqual(dumped.inventory);
    });

    it('leaves the database empty when the restore fails halfway (one transaction)', async () => {
      const truncated = dumped.bytes.subarray(0, Math.floor(dumped.bytes.length * 0.9));
      await expect(new InstanceDatabase(target.url).restoreOnto(Readable.from(truncated), { force: false, signal: never })).rejects.toThrow(
        /^pg_restore/,
      );
      expect(await sql(target.url, "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'")).toEqual([{ n: 0 }]);
    });

    it('passes a hostile database name to pg_restore as one quoted value, running nothing', async () => {
      const canary = join(tools, 'pwned');
      await Promise.all(
        injectionPayloads(canary).map(async (payload) => {
          const url = withDatabaseName(target.url, payload.slice(0, 200));
          await expect(new InstanceDatabase(url).restoreInto(url, Readable.from(dumped.bytes), new AbortController().signal)).rejects.toThrow(
            /pg_restore exited with code 1/,
          );
        }),
      );
      expect(existsSync(canary)).toBe(false);
    });
  });
});
