// tar-fs ships no types; the declaration must reach every program that compiles this file (the worker, the API e2e).
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./tar-fs.d.ts" />
import { lstat, open, readdir, realpath } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import dockerignore from '@balena/dockerignore';
import { pack } from 'tar-fs';
import { CheckoutPathError, resolveInsideCheckout } from './checkout-paths';

/** A .dockerignore larger than this is not a list of patterns anyone wrote. */
const DOCKERIGNORE_MAX_BYTES = 1024 * 1024;

async function readDockerignore(contextDir: string): Promise<string[]> {
  let path: string;
  try {
    path = await resolveInsideCheckout(contextDir, '.dockerignore', {
      field: 'baseDirectory',
      name: '.dockerignore file',
      within: 'the base directory',
    });
  } catch (error) {
    if (error instanceof CheckoutPathError && error.problem === 'missing') return [];
    throw error;
  }
  const handle = await open(path, 'r');
  try {
    if (!(await handle.stat()).isFile()) return [];
    const buffer = Buffer.alloc(DOCKERIGNORE_MAX_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, DOCKERIGNORE_MAX_BYTES, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').split(/\r?\n/);
  } finally {
    await handle.close();
  }
}

/**
 * The entries of the build context as `docker build` would send them: everything below `contextDir`
 * except what .dockerignore excludes (the Dockerfile and .dockerignore are sent whatever it says, as
 * the docker CLI does) and `.git`. Symbolic links are listed as links and never followed, so a link to
 * `/` is a link in the tar, not the host's disk. An excluded directory is still walked when an
 * exception (`!pattern`) could bring back something below it, as the docker CLI does.
 */
export async function buildContextEntries(contextDir: string, dockerfile: string): Promise<string[]> {
  const lines = await readDockerignore(contextDir);
  const matcher = dockerignore().add(lines);
  const hasExceptions = lines.some((line) => line.trim().startsWith('!'));
  const alwaysSent = new Set([posix.normalize(dockerfile), '.dockerignore']);
  const entries: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(join(contextDir, ...dir.split('/').filter(Boolean)), { withFileTypes: true })) {
      const rel = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.name === '.git') continue;
      const excluded = !alwaysSent.has(rel) && matcher.ignores(rel);
      // withFileTypes reports what the directory entry is (lstat): a link to a directory is a link.
      if (entry.isDirectory()) {
        if (!excluded) entries.push(rel);
        if (!excluded || hasExceptions) await walk(rel);
      } else if (!excluded) {
        entries.push(rel);
      }
    }
  };
  await walk('');
  return entries;
}

/**
 * The build context as a tar stream for the Docker API. `contextDir` must be canonical (resolved by
 * `resolveInsideCheckout`, no link anywhere in it): checked again here, since a link among its parents
 * would be followed by every read below it.
 *
 * Why this and not a clone as another, unprivileged user: the worker itself packs the context and
 * reads the Dockerfile, so what matters is what the worker's reads can reach, and a git run as
 * another user changes nothing there (the worker, as root or as the image's `node` user, can read what
 * it already can, the instance key included). Switching users also needs root, which the worker's
 * image does not run as. Canonical paths checked against the checkout and a walk that never follows a
 * link are what keep the host's files out; the checkout is the worker's own temporary directory, which
 * nothing else writes to while the deployment runs, so the checked paths cannot change under it.
 */
export async function packBuildContext(contextDir: string, dockerfile: string): Promise<Readable> {
  if ((await realpath(contextDir)) !== contextDir || !(await lstat(contextDir)).isDirectory()) {
    throw new Error(`The build context ${contextDir} is not a canonical directory.`);
  }
  const entries = await buildContextEntries(contextDir, dockerfile);
  // tar-fs packs exactly these entries (lstat: links stay links); its own walk is turned off, since
  // the list above already has what belongs below each directory.
  return pack(contextDir, { entries, ignore: () => true, dereference: false });
}
