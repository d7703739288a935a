import { randomBytes } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { hostPathProblem, isPathUnder } from '@zpanel/core';
import type { ExecResult, StreamingShell } from '../ssh/remote-shell';
import { DigestingStream } from './digest';
import { type ObjectStore, type PutOptions, type PutResult, StorageError, type StoredObject } from './object-store';

const TEMP_MARK = '.zpanel-tmp-';
const META_SUFFIX = '.zpanel-meta.json';
const KEY_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const SMALL = { timeoutMs: 60_000, maxBufferBytes: 256 * 1024 };

/** A key as Zpanel makes them: relative `/`-joined segments of safe characters, none `..` or hidden. */
export function storeKeyProblem(key: string): string | null {
  if (key.length === 0 || key.length > 1024) return 'must be 1-1024 characters';
  if (!key.split('/').every((segment) => KEY_SEGMENT.test(segment)))
    return 'must be segments of letters, digits, ".", "_" and "-", not starting with "." or "-"';
  if (key.includes(TEMP_MARK) || key.endsWith(META_SUFFIX)) return 'must not look like a temporary or metadata file';
  return null;
}

/**
 * The argv of every command the store runs (each element one argument; paths come after `--` or
 * are absolute, so none reads as an option). Kept apart so their injection test runs them all.
 */
export const directoryCommands = {
  /** Every link of each path resolved (its existing part), one line each, in order. */
  resolve: (...paths: string[]) => ['realpath', '-m', '--', ...paths],
  /** Creates `parent` (the object's directory), then prints `directory` resolved: it must exist now. */
  makeDirectory: (parent: string, directory: string) => ['sh', '-c', 'mkdir -p -- "$1" && realpath -e -- "$2"', 'sh', parent, directory],
  /** Writes stdin to `path`, readable by its owner only (backups are encrypted, but still). */
  writeFromStdin: (path: string) => ['sh', '-c', 'umask 077 && cat > "$1"', 'sh', path],
  /** Writes `content` to `path` (small files: the check, metadata). */
  writeSmall: (path: string, content: string) => ['sh', '-c', 'umask 077 && printf "%s" "$2" > "$1"', 'sh', path, content],
  sizeAndMtime: (path: string) => ['stat', '-c', '%s %Y', '--', path],
  /** Size, then `sha256sum`'s line. */
  sizeAndSha256: (path: string) => ['sh', '-c', 'stat -c %s -- "$1" && sha256sum -- "$1"', 'sh', path],
  rename: (from: string, to: string) => ['mv', '-f', '--', from, to],
  read: (path: string) => ['cat', '--', path],
  remove: (...paths: string[]) => ['rm', '-f', '--', ...paths],
  /** Files below `directory`: relative path, size, mtime, tab-separated, one a line. */
  listFiles: (directory: string) => ['find', directory, '-type', 'f', '-printf', '%P\\t%s\\t%T@\\n'],
};

/**
 * A "local" destination: a directory on one of the team's servers, over the pooled SSH connection.
 * The directory is resolved on the server (every link) and must stay under one of the server's
 * allowed roots (docs/volumes.md, as bind mounts), at every operation. Objects are files; a put
 * writes a temporary file in the directory, checks its size and `sha256sum` against what passed,
 * then renames it (a failure removes the temporary file). Metadata goes to a sidecar file.
 */
export class ServerDirectoryStore implements ObjectStore {
  constructor(
    private readonly shell: StreamingShell,
    private readonly directory: string,
    private readonly allowedRoots: readonly string[],
    /** Names the server in messages. */
    private readonly serverName: string,
  ) {}

  async put(key: string, body: Readable, options: PutOptions): Promise<PutResult> {
    let temp: string | undefined;
    try {
      const { path } = await this.locate(key, true);
      temp = `${path.slice(0, path.lastIndexOf('/'))}/${TEMP_MARK}${randomBytes(8).toString('hex')}`;
      const digests = await this.upload(temp, body, options);
      const checked = await this.run(directoryCommands.sizeAndSha256(temp), { timeoutMs: 6 * 60 * 60_000 });
      const [sizeLine, sumLine = ''] = checked.stdout.split('\n');
      const storedSize = Number(sizeLine);
      const storedSha = sumLine.slice(0, 64);
      if (storedSize !== digests.sizeBytes || storedSha !== digests.sha256) {
        throw new StorageError(
          `the file written on ${this.serverName} has ${storedSize} bytes with SHA-256 ${storedSha}, ${digests.sizeBytes} bytes with SHA-256 ${digests.sha256} were sent; it was removed`,
          'verify',
        );
      }
      if (options.metadata && Object.keys(options.metadata).length > 0)
        await this.run(directoryCommands.writeSmall(`${path}${META_SUFFIX}`, JSON.stringify(options.metadata)));
      await this.run(directoryCommands.rename(temp, path));
      temp = undefined;
      return { sizeBytes: digests.sizeBytes, sha256: digests.sha256, verifiedBy: 'sha256sum' };
    } catch (error) {
      body.destroy();
      if (temp) await this.shell.exec(directoryCommands.remove(temp), SMALL).catch(() => undefined);
      if (options.signal.aborted) throw new StorageError('the upload was cancelled', 'aborted', { cause: error });
      throw this.storageError(error);
    }
  }

  async head(key: string): Promise<StoredObject | null> {
    const { path } = await this.locate(key, false);
    const result = await this.exec(directoryCommands.sizeAndMtime(path));
    if (result.exitCode !== 0) {
      if (/No such file/i.test(result.stderr)) return null;
      throw this.commandError(result);
    }
    const [size, mtime] = result.stdout.trim().split(' ').map(Number);
    const meta = await this.exec(directoryCommands.read(`${path}${META_SUFFIX}`));
    let metadata: Record<string, string> = {};
    if (meta.exitCode === 0) {
      try {
        metadata = JSON.parse(meta.stdout) as Record<string, string>;
      } catch {
        metadata = {};
      }
    }
    return { key, sizeBytes: size, lastModified: new Date(mtime * 1000), metadata };
  }

  async get(key: string, signal?: AbortSignal): Promise<Readable> {
    const { path } = await this.locate(key, false);
    const process = await this.shell.spawn(directoryCommands.read(path)).catch((error: unknown) => {
      throw this.storageError(error);
    });
    process.stdin.end();
    const out = new PassThrough();
    const onAbort = () => process.close();
    signal?.addEventListener('abort', onAbort, { once: true });
    process.stdout.pipe(out, { end: false });
    // The file ends well only if cat exited 0: a read cut short must not look like a whole file.
    void process.exit.then(({ exitCode, stderr }) => {
      signal?.removeEventListener('abort', onAbort);
      if (exitCode === 0) out.end();
      else
        out.destroy(
          /No such file/i.test(stderr)
            ? new StorageError(`${key} does not exist on ${this.serverName}`, 'not-found')
            : new StorageError(stderr.trim() || `reading ${key} on ${this.serverName} stopped`, signal?.aborted ? 'aborted' : 'other'),
        );
    });
    out.once('close', () => process.close());
    return out;
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const { directory } = await this.locate(null, false);
    const result = await this.exec(directoryCommands.listFiles(directory), { timeoutMs: 120_000, maxBufferBytes: 16 * 1024 * 1024 });
    if (result.exitCode !== 0) {
      if (/No such file/i.test(result.stderr)) return [];
      throw this.commandError(result);
    }
    const objects: StoredObject[] = [];
    for (const line of result.stdout.split('\n')) {
      const [key, size, mtime, ...rest] = line.split('\t');
      if (rest.length > 0 || mtime === undefined || storeKeyProblem(key) !== null || !key.startsWith(prefix)) continue;
      objects.push({ key, sizeBytes: Number(size), lastModified: new Date(Number(mtime) * 1000), metadata: {} });
    }
    return objects.sort((a, b) => a.key.localeCompare(b.key));
  }

  async delete(key: string): Promise<void> {
    const { path } = await this.locate(key, false);
    await this.run(directoryCommands.remove(path, `${path}${META_SUFFIX}`));
  }

  async check(): Promise<void> {
    const key = `zpanel-check-${randomBytes(8).toString('hex')}`;
    const content = `zpanel destination check ${new Date().toISOString()}\n`;
    try {
      const { path } = await this.locate(key, true);
      await this.run(directoryCommands.writeSmall(path, content));
      const back = await this.run(directoryCommands.read(path));
      await this.run(directoryCommands.remove(path));
      if (back.stdout !== content) throw new StorageError(`the test file read back on ${this.serverName} differs from what was written`, 'verify');
    } catch (error) {
      throw this.storageError(error);
    }
  }

  async presignedGetUrl(): Promise<string | null> {
    return null;
  }

  /**
   * The directory and the key's path with every link resolved on the server, checked: the directory
   * under an allowed root (roots resolved too), the key's path right in it (no link in the key's
   * own directories). With `create`, the key's directory is made, and the destination's is looked
   * at again once it exists (a link swapped in between is caught). At every operation.
   */
  private async locate(key: string | null, create: boolean): Promise<{ directory: string; path: string }> {
    if (key !== null) {
      const problem = storeKeyProblem(key);
      if (problem) throw new StorageError(`the key ${problem}`, 'other');
    }
    const shape = hostPathProblem(this.directory);
    if (shape) throw new StorageError(`the directory ${shape}`, 'refused');
    const asked = key === null ? this.directory : `${this.directory}/${key}`;
    const lines = (await this.run(directoryCommands.resolve(this.directory, asked, ...this.allowedRoots))).stdout.split('\n');
    const [directory, resolvedPath] = lines;
    const roots = lines.slice(2, 2 + this.allowedRoots.length);
    if (!roots.some((root) => isPathUnder(root, directory)) || hostPathProblem(directory) !== null) {
      throw new StorageError(
        `${this.directory} resolves to ${directory} on ${this.serverName}, which is not under one of its allowed roots (${this.allowedRoots.join(', ') || 'none'})`,
        'refused',
      );
    }
    const path = key === null ? directory : `${directory}/${key}`;
    if (resolvedPath !== path) throw new StorageError(`${key} resolves outside ${this.directory} on ${this.serverName}`, 'refused');
    if (create) {
      const made = await this.run(directoryCommands.makeDirectory(path.slice(0, path.lastIndexOf('/')), directory));
      if (made.stdout.trim() !== directory) throw new StorageError(`${this.directory} changed on ${this.serverName} while it was checked`, 'refused');
    }
    return { directory, path };
  }

  private async upload(temp: string, body: Readable, options: PutOptions) {
    const digesting = new DigestingStream(1024 * 1024, options.onProgress);
    const process = await this.shell.spawn(directoryCommands.writeFromStdin(temp));
    process.stdout.resume();
    const onAbort = () => process.close();
    options.signal.addEventListener('abort', onAbort, { once: true });
    // Piped rather than in the pipeline: an error here is the body's own, never one the pipeline passed back to it.
    let sourceError: Error | undefined;
    body.once('error', (error) => {
      sourceError = error;
      digesting.destroy(error);
    });
    body.pipe(digesting);
    try {
      await pipeline(digesting, process.stdin);
      const { exitCode, stderr } = await process.exit;
      if (exitCode !== 0) throw new StorageError(stderr.trim() || `writing on ${this.serverName} failed (exit ${exitCode})`, 'other');
      return digesting.digests();
    } catch (error) {
      process.close();
      // The temporary file is removed after this: wait until the writer is gone, or a shell that
      // starts late would create it again after the removal.
      const exited = await Promise.race([
        process.exit.catch(() => undefined),
        new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 10_000).unref()),
      ]);
      if (sourceError) throw new StorageError(`the data to store failed: ${sourceError.message}`, 'source', { cause: sourceError });
      // A writer that stopped first (disk full, a read-only filesystem) closed the pipe: its words say
      // why, the pipe's ("Premature close") do not.
      const said = exited && exited.exitCode !== 0 ? exited.stderr.trim() : '';
      if (said && !options.signal.aborted) throw new StorageError(`writing on ${this.serverName} failed: ${said}`, 'other', { cause: error });
      throw error;
    } finally {
      options.signal.removeEventListener('abort', onAbort);
    }
  }

  private async exec(argv: string[], options: { timeoutMs?: number; maxBufferBytes?: number } = {}): Promise<ExecResult> {
    try {
      return await this.shell.exec(argv, { ...SMALL, ...options });
    } catch (error) {
      throw this.storageError(error);
    }
  }

  /** `exec`, rejecting when the command did not exit 0. */
  private async run(argv: string[], options: { timeoutMs?: number; maxBufferBytes?: number } = {}): Promise<ExecResult> {
    const result = await this.exec(argv, options);
    if (result.exitCode !== 0) throw this.commandError(result);
    return result;
  }

  private commandError(result: ExecResult): StorageError {
    const words = result.stderr.trim().split('\n').slice(-3).join(' ');
    if (result.timedOut) return new StorageError(`a command on ${this.serverName} timed out`, 'unreachable');
    return new StorageError(words || `a command on ${this.serverName} failed (exit ${result.exitCode})`, 'other');
  }

  private storageError(error: unknown): StorageError {
    if (error instanceof StorageError) return error;
    const err = error as Error;
    if (
      err.name === 'ServerUnreachableError' ||
      err.name === 'ConnectionLostError' ||
      /ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|Timed out/.test(err.message)
    ) {
      return new StorageError(`could not reach ${this.serverName}: ${err.message}`, 'unreachable', { cause: error });
    }
    return new StorageError(err.message || String(error), 'other', { cause: error });
  }
}
