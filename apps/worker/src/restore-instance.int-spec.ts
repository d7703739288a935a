import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createBackupEncoder, keyId } from '@zpanel/core';
import { buildDataSourceOptions, runMigrationsWithLock } from '@zpanel/database';
import { createScratchDatabase } from '@zpanel/database/testing';
import { InstanceDatabase } from '@zpanel/runners';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { parseDataKeyFile, restoreInstance } from './restore-instance';

async function sql(url: string, text: string, values: unknown[] = []): Promise<Array<Record<string, unknown>>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end();
  }
}

describe(restoreInstance.name, () => {
  const never = new AbortController().signal;
  const dataKey = randomBytes(32);
  const instanceKey = randomBytes(32);
  let source: Awaited<ReturnType<typeof createScratchDatabase>>;
  let target: Awaited<ReturnType<typeof createScratchDatabase>>;
  let dir: string;
  let backupFile: string;
  let keyFile: string;

  const run = async (argv: string[], env: NodeJS.ProcessEnv = { DATABASE_URL: target.url, ZPANEL_SECRET_KEY: instanceKey.toString('base64') }) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await restoreInstance(argv, env, { stdin: Readable.from([]), out: (l) => out.push(l), err: (l) => err.push(l) }, never);
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  beforeAll(async () => {
    source = await createScratchDatabase();
    const db = new DataSource(buildDataSourceOptions(source.url, 'restore-instance-int'));
    await db.initialize();
    await runMigrationsWithLock(db);
    const [team] = (await db.query("INSERT INTO teams (name) VALUES ('Acme') RETURNING id")) as Array<{ id: string }>;
    // A sealed secret as the instance key would write it (only its key id is read here).
    await db.query("INSERT INTO ssh_keys (team_id, name, type, private_key, public_key, fingerprint) VALUES ($1, 'k', 'ssh-ed25519', $2, 'x', 'x')", [
      team.id,
      `v1.${keyId(instanceKey)}.iv.tag.ciphertext`,
    ]);
    await db.destroy();
    dir = await mkdtemp(join(tmpdir(), 'zp-restore-instance-'));
    backupFile = join(dir, 'instance.zpbk');
    keyFile = join(dir, 'key.json');
    const dump = await new InstanceDatabase(source.url).dump(never);
    await pipeline(dump.stream, createBackupEncoder({ dataKey, compression: 'zstd' }), createWriteStream(backupFile));
    await dump.done;
    await writeFile(keyFile, JSON.stringify({ keyId: keyId(dataKey), key: dataKey.toString('base64') }));
  });

  beforeEach(async () => {
    target = await createScratchDatabase();
  });
  afterEach(async () => {
    await target.drop();
  });
  afterAll(async () => {
    await source?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('decrypts the backup and restores it into the empty database, which then holds the instance', async () => {
    const result = await run(['--file', backupFile, '--key-file', keyFile]);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toMatch(/restored \d+ tables, \d+ rows/);
    expect(result.out).toContain('npm start');
    expect(await sql(target.url, 'SELECT name FROM teams')).toEqual([{ name: 'Acme' }]);
    expect(await new InstanceDatabase(target.url).inventory()).toEqual(await new InstanceDatabase(source.url).inventory());
  });

  it('takes the key as bare base64 too, and the backup from stdin', async () => {
    const bare = join(dir, 'key.txt');
    await writeFile(bare, `${dataKey.toString('base64')}\n`);
    const out: string[] = [];
    const code = await restoreInstance(
      ['--file', '-', '--key-file', bare],
      { DATABASE_URL: target.url, ZPANEL_SECRET_KEY: instanceKey.toString('base64') },
      { stdin: Readable.from([await readFile(backupFile)]), out: (l) => out.push(l), err: (l) => out.push(l) },
      never,
    );
    expect({ code, out }).toMatchObject({ code: 0 });
    expect(await sql(target.url, 'SELECT name FROM teams')).toEqual([{ name: 'Acme' }]);
  });

  it('fails loudly with a wrong data key or a flipped byte, and leaves the database empty', async () => {
    const wrongKey = join(dir, 'wrong.txt');
    await writeFile(wrongKey, randomBytes(32).toString('base64'));
    const wrong = await run(['--file', backupFile, '--key-file', wrongKey]);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/^restore-instance: failed, the database is as it was before: The backup could not be decrypted: /);

    const bytes = await readFile(backupFile);
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    const flipped = join(dir, 'flipped.zpbk');
    await writeFile(flipped, bytes);
    const corrupt = await run(['--file', flipped, '--key-file', keyFile]);
    expect(corrupt.code).toBe(1);
    expect(corrupt.err).toMatch(/The backup could not be decrypted/);
    expect(await sql(target.url, "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'")).toEqual([{ n: 0 }]);
  });

  it('refuses a database that is not empty unless --force', async () => {
    await sql(target.url, 'CREATE TABLE leftover (id int)');
    const refused = await run(['--file', backupFile, '--key-file', keyFile]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/is not empty .*--force/);
    expect((await run(['--file', backupFile, '--key-file', keyFile, '--force'])).code).toBe(0);
    expect(await sql(target.url, "SELECT to_regclass('public.leftover') AS t")).toEqual([{ t: null }]);
  });

  it('restores, then says so when ZPANEL_SECRET_KEY is not the key the secrets were sealed with', async () => {
    const other = randomBytes(32);
    const result = await run(['--file', backupFile, '--key-file', keyFile], {
      DATABASE_URL: target.url,
      ZPANEL_SECRET_KEY: other.toString('base64'),
    });
    expect(result.code).toBe(3);
    expect(result.err).toBe(
      `restore-instance: the restored secrets were sealed with the instance key ${keyId(instanceKey)}, but ZPANEL_SECRET_KEY here is ${keyId(other)}: ` +
        "put the old instance's ZPANEL_SECRET_KEY into .env before npm start, or its SSH keys, variables and tokens cannot be opened",
    );
  });

  it('explains its arguments', async () => {
    expect(await run(['--file', backupFile])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--file and --key-file are required\nusage: npm run restore-instance/),
    });
    expect(await run(['--bogus'])).toMatchObject({ code: 2 });
    expect(await run(['--file', backupFile, '--key-file', keyFile], {})).toMatchObject({
      code: 2,
      err: expect.stringContaining('DATABASE_URL must be'),
    });
    expect(() => parseDataKeyFile('{"key": 1}')).toThrow('no "key" field');
    expect(() => parseDataKeyFile('c2hvcnQ=')).toThrow('32-byte data key');
  });
});
