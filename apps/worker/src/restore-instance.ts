import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { type Readable, pipeline } from 'node:stream';
import { parseArgs } from 'node:util';
import { createBackupDecoder, keyId } from '@zpanel/core';
import { databaseNameOf } from '@zpanel/database';
import { InstanceDatabase } from '@zpanel/runners';

/**
 * `npm run restore-instance -- --file <backup.zpbk> --key-file <key> [--force]` (scripts/instance-cli.mjs):
 * brings an instance back onto a fresh install from one of its instance backups (docs/backups.md,
 * "Instance backups"). Decrypts with the destination's data key, pg_restores into DATABASE_URL's
 * database before Zpanel starts (it must be empty, or --force), then checks that ZPANEL_SECRET_KEY is
 * the key the restored secrets were sealed with.
 */
export const RESTORE_INSTANCE_USAGE = `usage: npm run restore-instance -- --file <backup.zpbk | -> --key-file <file> [--force]

  --file       an instance backup as stored (downloaded from the System page, copied from the
               server directory, or - for stdin: aws s3 cp s3://bucket/key - | npm run restore-instance -- --file - ...)
  --key-file   the destination's data key: the JSON of GET /api/v1/backup-destinations/{id}/key, or its base64 key
  --force      drop everything in DATABASE_URL's database first (it must be empty otherwise)

Stop Zpanel first. DATABASE_URL and ZPANEL_SECRET_KEY come from the environment, else .env.`;

export interface RestoreInstanceIo {
  stdin: Readable;
  out(line: string): void;
  err(line: string): void;
}

/** The data key from a key file: `{ "keyId", "key" }` as the API gives it, or the base64 key alone. */
export function parseDataKeyFile(text: string): Buffer {
  const trimmed = text.trim();
  let encoded = trimmed;
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new Error('the key file looks like JSON but does not parse');
    }
    const key = (parsed as { key?: unknown }).key;
    if (typeof key !== 'string') throw new Error('the key file has no "key" field');
    encoded = key.trim();
  }
  const key = /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
  if (key.length !== 32) throw new Error('the key file must hold a 32-byte data key in base64 (or the JSON of the destination key route)');
  return key;
}

/** Returns the process's exit code. */
export async function restoreInstance(argv: string[], env: NodeJS.ProcessEnv, io: RestoreInstanceIo, signal: AbortSignal): Promise<number> {
  let values: { file?: string; 'key-file'?: string; force?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { file: { type: 'string' }, 'key-file': { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean' } },
      strict: true,
    }));
  } catch (error) {
    io.err(`restore-instance: ${(error as Error).message}\n${RESTORE_INSTANCE_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(RESTORE_INSTANCE_USAGE);
    return 0;
  }
  if (!values.file || !values['key-file']) {
    io.err(`restore-instance: --file and --key-file are required\n${RESTORE_INSTANCE_USAGE}`);
    return 2;
  }
  const url = env.DATABASE_URL;
  if (!url || !/^postgres(ql)?:\/\/[^/]/.test(url)) {
    io.err('restore-instance: DATABASE_URL must be a postgres:// URL (the database to restore into)');
    return 2;
  }
  let dataKey: Buffer;
  try {
    dataKey = parseDataKeyFile(await readFile(values['key-file'], 'utf8'));
  } catch (error) {
    io.err(`restore-instance: ${values['key-file']}: ${(error as Error).message}`);
    return 2;
  }
  const input = values.file === '-' ? io.stdin : createReadStream(values.file);
  // The callback form returns the decoder; a read error of the file fails it too.
  const decoded = pipeline(input, createBackupDecoder({ dataKey }), () => undefined);
  const database = databaseNameOf(url) ?? '';
  io.out(`restore-instance: restoring ${values.file === '-' ? 'stdin' : values.file} (data key ${keyId(dataKey)}) into the database ${database}`);
  const instance = new InstanceDatabase(url);
  try {
    const restored = await instance.restoreOnto(decoded, { force: values.force === true, signal });
    const tables = restored.tables ?? [];
    io.out(`restore-instance: restored ${tables.length} tables, ${tables.reduce((sum, t) => sum + t.rows, 0)} rows`);
  } catch (error) {
    io.err(`restore-instance: failed, the database is as it was before: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  return checkInstanceKey(instance, env.ZPANEL_SECRET_KEY, io);
}

/**
 * The restored secrets open only with the instance key that sealed them: say so now rather than
 * when a deployment first needs an SSH key.
 */
async function checkInstanceKey(instance: InstanceDatabase, secretKey: string | undefined, io: RestoreInstanceIo): Promise<number> {
  const sealedWith = await instance.sealingKeyIds();
  const current = secretKey && /^[A-Za-z0-9+/]+={0,2}$/.test(secretKey) ? Buffer.from(secretKey, 'base64') : Buffer.alloc(0);
  const currentId = current.length === 32 ? keyId(current) : null;
  if (sealedWith.length > 0 && (currentId === null || !sealedWith.includes(currentId))) {
    io.err(
      `restore-instance: the restored secrets were sealed with the instance key ${sealedWith.join(', ')}, ` +
        `but ZPANEL_SECRET_KEY here is ${currentId ?? 'not set'}: put the old instance's ZPANEL_SECRET_KEY into .env before npm start, ` +
        'or its SSH keys, variables and tokens cannot be opened',
    );
    return 3;
  }
  io.out('restore-instance: done. Start Zpanel with npm start: it applies this version’s migrations, then serves the restored instance.');
  return 0;
}
