import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { pipeline as streamPipeline } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createBackupDecoder, createBackupEncoder, keyId } from '@zpanel/core';
import { InstanceDatabase } from '@zpanel/runners';
import { type RestoreInstanceIo, parseDataKeyFile } from './restore-instance';

export const BACKUP_INSTANCE_USAGE = `usage: npm run backup-instance -- --out <file.zpbk> --key-file <file> [--no-verify]

  --out        where to write the backup (the format of a destination's .zpbk objects)
  --key-file   a 32-byte data key in base64 (openssl rand -base64 32), or a destination's key JSON
  --no-verify  skip restoring it into a throwaway database to check it

Zpanel may keep running. DATABASE_URL comes from the environment, else .env.`;

/**
 * `npm run backup-instance` (scripts/instance-cli.mjs): an instance backup taken by hand, without the
 * worker or a destination (before an upgrade, or when the UI is not reachable), in the same format
 * and with the same verification as the System page's; `npm run restore-instance` reads it.
 * Returns the process's exit code.
 */
export async function backupInstance(argv: string[], env: NodeJS.ProcessEnv, io: RestoreInstanceIo, signal: AbortSignal): Promise<number> {
  let values: { out?: string; 'key-file'?: string; 'no-verify'?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { out: { type: 'string' }, 'key-file': { type: 'string' }, 'no-verify': { type: 'boolean' }, help: { type: 'boolean' } },
      strict: true,
    }));
  } catch (error) {
    io.err(`backup-instance: ${(error as Error).message}\n${BACKUP_INSTANCE_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(BACKUP_INSTANCE_USAGE);
    return 0;
  }
  if (!values.out || !values['key-file']) {
    io.err(`backup-instance: --out and --key-file are required\n${BACKUP_INSTANCE_USAGE}`);
    return 2;
  }
  const url = env.DATABASE_URL;
  if (!url || !/^postgres(ql)?:\/\/[^/]/.test(url)) {
    io.err('backup-instance: DATABASE_URL must be a postgres:// URL (the database to back up)');
    return 2;
  }
  let dataKey: Buffer;
  try {
    dataKey = parseDataKeyFile(await readFile(values['key-file'], 'utf8'));
  } catch (error) {
    io.err(`backup-instance: ${values['key-file']}: ${(error as Error).message}`);
    return 2;
  }
  const out = values.out;
  const instance = new InstanceDatabase(url);
  try {
    const dump = await instance.dump(signal);
    const [written, exited] = await Promise.allSettled([
      pipeline(dump.stream, createBackupEncoder({ dataKey, compression: 'zstd' }), createWriteStream(out, { mode: 0o600 }), { signal }),
      dump.done,
    ]);
    // pg_dump's own words first: a write that failed after it did only says the pipe broke.
    if (exited.status === 'rejected') throw exited.reason;
    if (written.status === 'rejected') throw written.reason;
    const tables = dump.inventory.tables ?? [];
    io.out(`backup-instance: wrote ${out} (data key ${keyId(dataKey)}): ${tables.length} tables, ${tables.reduce((sum, t) => sum + t.rows, 0)} rows`);
    if (!values['no-verify']) {
      // The callback form returns the decoder, failed by a read error of the file too.
      const decoded = streamPipeline(createReadStream(out), createBackupDecoder({ dataKey }), () => undefined);
      const verification = await instance.verify(decoded, dump.inventory, signal);
      if (!verification.matches) {
        io.err(`backup-instance: the backup does not restore to what was dumped: ${verification.detail}`);
        return 1;
      }
      io.out(`backup-instance: verified in a throwaway database: ${verification.detail}`);
    }
    return 0;
  } catch (error) {
    await rm(out, { force: true });
    io.err(`backup-instance: failed, nothing was kept: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
