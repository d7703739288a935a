import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BackupInventory, ReasonCode } from '@zpanel/contracts';
import {
  INVENTORY_TABLES_SQL,
  countRowsSql,
  createDatabaseSql,
  dropDatabaseSql,
  dropSchemaSql,
  libpqEnvironment,
  pgDumpArgv,
  pgDumpVersionProblem,
  pgRestoreArgv,
  pgServerMajor,
  pgToolMajor,
  ReasonError,
  USER_SCHEMAS_SQL,
} from '@zpanel/core';
import { databaseNameOf, withDatabaseName } from '@zpanel/database';
import { BackupToolError, type DumpStream } from '@zpanel/remote';
import { Client } from 'pg';
import { compareInventories } from './inventory-comparison';

/**
 * An instance backup or restore step failed, in words the System page shows: `backup.dump_failed`
 * (pg_dump missing, too old, or the database unreachable), `backup.restore_failed` (pg_restore, the
 * target not empty), `backup.step_failed` (the throwaway database could not be made or dropped).
 * A tool's non-zero exit is a BackupToolError, as for a team's database.
 */
export class InstanceDatabaseError extends ReasonError {
  constructor(
    code: Extract<ReasonCode, 'backup.dump_failed' | 'backup.restore_failed' | 'backup.step_failed'>,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(code, reason, options);
    this.name = 'InstanceDatabaseError';
  }
}

type ToolCode = Extract<ReasonCode, 'backup.dump_failed' | 'backup.restore_failed'>;

export interface PgToolPaths {
  pgDump: string;
  pgRestore: string;
}

/** A dump of Zpanel's own database, and what it holds: counted in the very snapshot pg_dump writes. */
export interface InstanceDump extends DumpStream {
  inventory: BackupInventory;
  /** `15.4`: the server's version, recorded with the backup (a restore needs pg_restore of at least the dumping pg_dump's major). */
  serverVersion: string;
  /** `pg_dump (PostgreSQL) 15.4 (Debian 15.4-1)`. */
  toolVersion: string;
}

/** A verification restore's outcome: what the throwaway database held, and whether it is what the dump recorded. */
export interface InstanceVerification {
  matches: boolean;
  /** What was compared, or what differs, in words. */
  detail: string;
  restored: BackupInventory;
}

/** A throwaway database to verify an instance backup in: restore into it, count, then `remove()`. */
export interface InstanceScratchDatabase {
  name: string;
  describe: string;
  restore(dump: Readable, signal: AbortSignal): Promise<void>;
  inventory(signal: AbortSignal): Promise<BackupInventory>;
  /** Drops it (ending any session a failed restore left); rejects in words when it cannot. */
  remove(): Promise<void>;
}

const STDERR_TAIL_BYTES = 4_096;

/** Columns holding secrets sealed with the instance key (constants, never user input). */
const SEALED_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['ssh_keys', 'private_key'],
  ['backup_destinations', 'data_key'],
];

/**
 * The tools' whole environment: PATH and the C locale from here, libpq's variables for the one
 * connection. Nothing else of the worker's environment (ZPANEL_SECRET_KEY, DATABASE_URL) reaches them.
 */
function toolEnvironment(url: string, database?: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LC_ALL: 'C',
    PGAPPNAME: 'zpanel-instance-backup',
    ...libpqEnvironment(url, database),
  };
}

function missingTool(tool: string): string {
  return `${tool} was not found on the worker's host: install PostgreSQL's client tools (Debian, Ubuntu: apt install postgresql-client)`;
}

/** Resolves when the tool exited 0; rejects with its exit code (or signal) and the tail of its stderr otherwise. */
function exitOf(child: ChildProcess, tool: string, code: ToolCode): Promise<void> {
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_BYTES);
  });
  return new Promise<void>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new InstanceDatabaseError(code, error.code === 'ENOENT' ? missingTool(tool) : `${tool} could not run: ${error.message}`, { cause: error }),
      );
    });
    child.once('close', (exitCode, signal) => {
      if (exitCode === 0) return resolve();
      const words = stderr.trim();
      if (exitCode !== null) return reject(new BackupToolError(code, tool, exitCode, words));
      reject(new InstanceDatabaseError(code, `${tool} was stopped (${signal})${words ? `: ${words}` : ''}`));
    });
  });
}

/**
 * The input may fail (a decoder refusing a byte) while the database is still being prepared, before
 * restoreInto pipes it: kept on the stream (its `errored`) for the pipeline to report, instead of an
 * unhandled 'error' event that would end the worker.
 */
function holdErrors(stream: Readable): void {
  stream.on('error', () => undefined);
}

async function withClient<T>(url: string, code: ToolCode | 'backup.step_failed', work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, application_name: 'zpanel-instance-backup' });
  try {
    await client.connect();
  } catch (error) {
    throw new InstanceDatabaseError(code, `cannot connect to PostgreSQL: ${(error as Error).message}`, { cause: error });
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function serverVersion(client: Client): Promise<{ major: number; version: string }> {
  const { rows } = await client.query<{ num: string; version: string }>(
    "SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS version",
  );
  return { major: pgServerMajor(Number(rows[0].num)), version: rows[0].version };
}

/** Every table pg_dump writes rows of, with its row count, as the client's transaction sees them. */
export async function inventoryOf(client: Client, signal?: AbortSignal): Promise<BackupInventory> {
  const { rows } = await client.query<{ schema: string; name: string }>(INVENTORY_TABLES_SQL);
  const tables: Array<{ name: string; rows: number }> = [];
  for (const table of rows) {
    signal?.throwIfAborted();
    const counted = await client.query<{ rows: string }>(countRowsSql(table.schema, table.name));
    tables.push({ name: `${table.schema}.${table.name}`, rows: Number(counted.rows[0].rows) });
  }
  return { tables };
}

/**
 * Zpanel's own PostgreSQL (DATABASE_URL) as a backup source: `pg_dump -Fc` run by the worker on its
 * own host, streamed (constant memory), and `pg_restore` into a throwaway database on the same
 * server to verify one, or into an empty database to bring an instance back
 * (`npm run restore-instance`, apps/worker/src/restore-instance.ts).
 */
export class InstanceDatabase {
  constructor(
    private readonly databaseUrl: string,
    private readonly tools: PgToolPaths = { pgDump: 'pg_dump', pgRestore: 'pg_restore' },
  ) {}

  /** `pg_dump --version`'s answer; rejects in words when the tool is missing. */
  private toolVersion(tool: string, code: ToolCode): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(tool, ['--version'], { env: toolEnvironment(this.databaseUrl), timeout: 10_000 }, (error, stdout) => {
        if (!error) return resolve(stdout.trim());
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        reject(new InstanceDatabaseError(code, missing ? missingTool(tool) : `${tool} --version failed: ${error.message}`, { cause: error }));
      });
    });
  }

  /**
   * Checks that pg_dump can dump this server (its major version at least the server's), exports a
   * snapshot from a read-only repeatable-read transaction, counts every table's rows in it, and starts
   * pg_dump on that snapshot: the inventory and the dump see the same rows, while the instance keeps
   * writing (heartbeats, this backup's own row). The transaction stays open until pg_dump exits.
   */
  async dump(signal: AbortSignal): Promise<InstanceDump> {
    const client = new Client({ connectionString: this.databaseUrl, application_name: 'zpanel-instance-backup' });
    try {
      await client.connect();
    } catch (error) {
      throw new InstanceDatabaseError('backup.dump_failed', `cannot connect to Zpanel's database: ${(error as Error).message}`, { cause: error });
    }
    let handedOver = false;
    try {
      const server = await serverVersion(client);
      const toolVersion = await this.toolVersion(this.tools.pgDump, 'backup.dump_failed');
      const problem = pgDumpVersionProblem(pgToolMajor(toolVersion), server.major);
      if (problem) throw new InstanceDatabaseError('backup.dump_failed', problem);
      signal.throwIfAborted();
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const { rows } = await client.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot');
      const inventory = await inventoryOf(client, signal);
      const child = spawn(this.tools.pgDump, pgDumpArgv(rows[0].snapshot), {
        env: toolEnvironment(this.databaseUrl),
        stdio: ['ignore', 'pipe', 'pipe'],
        signal,
        killSignal: 'SIGKILL',
      });
      const done = exitOf(child, 'pg_dump', 'backup.dump_failed').finally(() => client.end().catch(() => undefined));
      // The caller awaits `done` after reading the stream; until then a rejection is not unhandled.
      done.catch(() => undefined);
      handedOver = true;
      return { stream: child.stdout as Readable, done, inventory, serverVersion: server.version, toolVersion };
    } finally {
      if (!handedOver) await client.end().catch(() => undefined);
    }
  }

  /** The tables and row counts of the live database now (not a snapshot shared with a dump). */
  inventory(signal?: AbortSignal): Promise<BackupInventory> {
    return withClient(this.databaseUrl, 'backup.dump_failed', (client) => inventoryOf(client, signal));
  }

  /**
   * pg_restore of `dump` into the database `url` names, in one transaction. A dump stream that fails
   * (a decoder refusing a flipped byte or a wrong key) kills pg_restore before it can commit, and
   * that failure is the one reported; otherwise pg_restore's own exit and words are.
   */
  async restoreInto(url: string, dump: Readable, signal: AbortSignal): Promise<void> {
    const database = databaseNameOf(url);
    if (!database) throw new InstanceDatabaseError('backup.restore_failed', 'the database URL names no database to restore into');
    const child = spawn(this.tools.pgRestore, pgRestoreArgv(database), {
      env: toolEnvironment(url, database),
      stdio: ['pipe', 'ignore', 'pipe'],
      signal,
      killSignal: 'SIGKILL',
    });
    const exited = exitOf(child, 'pg_restore', 'backup.restore_failed');
    exited.catch(() => undefined);
    let input: unknown;
    try {
      await pipeline(dump, child.stdin!);
    } catch (error) {
      input = error;
      // Stop it before it reaches COMMIT: whatever it read so far must not stay.
      child.kill('SIGKILL');
    }
    try {
      await exited;
    } catch (error) {
      throw input ?? error;
    }
    if (input) throw input;
  }

  /**
   * A throwaway database created on the same server (so Zpanel's role needs CREATEDB), as the place a
   * verification restores into (RestoreRunner's RestorePlace: restore, inventory); `remove()` drops it
   * and must be called whatever happened.
   */
  async scratchDatabase(signal: AbortSignal): Promise<InstanceScratchDatabase> {
    const name = `zpanel_verify_${randomBytes(6).toString('hex')}`;
    const major = await withClient(this.databaseUrl, 'backup.step_failed', async (admin) => {
      const server = await serverVersion(admin);
      try {
        await admin.query(createDatabaseSql(name));
      } catch (error) {
        throw new InstanceDatabaseError(
          'backup.step_failed',
          `could not create the throwaway database ${name} to verify the backup in (${(error as Error).message}): Zpanel's database role needs CREATEDB`,
          { cause: error },
        );
      }
      return server.major;
    });
    signal.throwIfAborted();
    const url = withDatabaseName(this.databaseUrl, name);
    return {
      name,
      describe: `a throwaway database ${name} on Zpanel's PostgreSQL server`,
      restore: (dump, restoreSignal) => this.restoreInto(url, dump, restoreSignal),
      inventory: (inventorySignal) => withClient(url, 'backup.restore_failed', (client) => inventoryOf(client, inventorySignal)),
      remove: () =>
        withClient(this.databaseUrl, 'backup.step_failed', async (admin) => {
          try {
            await admin.query(dropDatabaseSql(name, major));
          } catch (error) {
            throw new InstanceDatabaseError(
              'backup.step_failed',
              `the throwaway database ${name} could not be dropped: ${(error as Error).message}`,
              { cause: error },
            );
          }
        }),
    };
  }

  /**
   * Restores `dump` into a scratch database and compares its tables and row counts with `expected`;
   * the database is dropped whatever happens.
   */
  async verify(dump: Readable, expected: BackupInventory, signal: AbortSignal): Promise<InstanceVerification> {
    holdErrors(dump);
    const scratch = await this.scratchDatabase(signal);
    let outcome: { value: InstanceVerification } | { error: unknown };
    try {
      await scratch.restore(dump, signal);
      const restored = await scratch.inventory(signal);
      outcome = { value: { ...compareInventories(expected, restored), restored } };
    } catch (error) {
      outcome = { error };
    }
    try {
      await scratch.remove();
    } catch (error) {
      if ('value' in outcome) throw error;
    }
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }

  /**
   * The ids of the instance keys this database's secrets are sealed with (`v1.<key id>.…`, SecretBox),
   * read from SSH keys and backup destinations' data keys (every instance backup's database has the
   * destination it went to): after a restore, ZPANEL_SECRET_KEY must be one of them.
   */
  sealingKeyIds(): Promise<string[]> {
    return withClient(this.databaseUrl, 'backup.restore_failed', async (client) => {
      const ids = new Set<string>();
      for (const [table, column] of SEALED_COLUMNS) {
        const present = await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [`public.${table}`]);
        if (!present.rows[0].found) continue;
        const { rows } = await client.query<{ id: string }>(
          `SELECT DISTINCT split_part(${column}, '.', 2) AS id FROM public.${table} WHERE ${column} LIKE 'v1.%'`,
        );
        for (const row of rows) ids.add(row.id);
      }
      return [...ids].sort();
    });
  }

  /**
   * Onto a fresh install: restores `dump` into DATABASE_URL's database, which must hold no table
   * (an install that never ran) unless `force`, which first drops every schema in it. Returns what
   * it holds afterwards.
   */
  async restoreOnto(dump: Readable, options: { force: boolean; signal: AbortSignal }): Promise<BackupInventory> {
    holdErrors(dump);
    const database = databaseNameOf(this.databaseUrl) ?? '';
    await withClient(this.databaseUrl, 'backup.restore_failed', async (client) => {
      const { rows } = await client.query<{ schema: string; name: string }>(INVENTORY_TABLES_SQL);
      if (rows.length === 0) return;
      if (!options.force) {
        throw new InstanceDatabaseError(
          'backup.restore_failed',
          `the database ${database} is not empty (${rows.length} tables, e.g. ${rows[0].schema}.${rows[0].name}): ` +
            'restore into an empty database (stop Zpanel first, before it migrates one), or pass --force to drop everything in it first',
        );
      }
      const schemas = await client.query<{ schema: string }>(USER_SCHEMAS_SQL);
      await client.query('BEGIN');
      for (const { schema } of schemas.rows) await client.query(dropSchemaSql(schema));
      await client.query('CREATE SCHEMA IF NOT EXISTS public');
      await client.query('COMMIT');
    });
    await this.restoreInto(this.databaseUrl, dump, options.signal);
    return this.inventory(options.signal);
  }
}
