import { DENIED_HOST_PATHS, MOUNT_PATH_MAX_LENGTH, MOUNT_PATH_PATTERN, RESERVED_CONTAINER_PATHS, VOLUME_NAME_PATTERN } from '@zpanel/contracts';

/*
 * The rules for the paths of an application's mounts (docs/volumes.md), used by the API before
 * saving and by the worker again before the container starts. Each returns a problem in words
 * (completing "<field> ...") or null. Paths are compared segment by segment, never as prefixes of
 * text, so `/srv/data2` is not under `/srv/data`.
 */

/** True when `path` is `root` or below it (both absolute and normalized). */
export function isPathUnder(root: string, path: string): boolean {
  if (root === '/') return path.startsWith('/');
  return path === root || path.startsWith(`${root}/`);
}

/** Absolute, normalized, allowlisted characters, bounded length. */
function shapeProblem(path: unknown): string | null {
  if (typeof path !== 'string') return 'must be text';
  if (Buffer.byteLength(path, 'utf8') > MOUNT_PATH_MAX_LENGTH) return `must be at most ${MOUNT_PATH_MAX_LENGTH} bytes`;
  if (path === '/') return 'must not be /';
  if (!MOUNT_PATH_PATTERN.test(path))
    return 'must be an absolute path of letters, digits, ".", "_", "-", "@" and "+" segments, without a trailing "/" or an empty segment';
  if (path.split('/').some((segment) => segment === '.' || segment === '..')) return 'must not contain "." or ".." segments';
  return null;
}

/** Where a mount appears in the container: not `/`, not over the kernel's `/proc`, `/sys`, `/dev`. */
export function mountPathProblem(path: unknown): string | null {
  const shape = shapeProblem(path);
  if (shape) return shape;
  const reserved = RESERVED_CONTAINER_PATHS.find((r) => isPathUnder(r, path as string));
  return reserved ? `must not be ${reserved} or under it` : null;
}

/** The denied host path `path` is, is under, or contains; null when none. `/` contains them all. */
export function deniedHostPathOf(path: string): string | null {
  return DENIED_HOST_PATHS.find((denied) => isPathUnder(denied, path) || isPathUnder(path, denied)) ?? null;
}

/** A host path as a root or a bind mount's source: its shape, and clear of the denied paths. */
export function hostPathProblem(path: unknown): string | null {
  const shape = shapeProblem(path);
  if (shape) return shape;
  const denied = deniedHostPathOf(path as string);
  return denied ? `must not be ${denied}, under it, or contain it` : null;
}

/** A bind mount's host path: a host path under one of the server's allowed roots. */
export function bindHostPathProblem(path: unknown, allowedRoots: readonly string[]): string | null {
  const problem = hostPathProblem(path);
  if (problem) return problem;
  if (allowedRoots.length === 0) return "cannot be used: the server's owners have allowed no bind roots";
  return allowedRoots.some((root) => isPathUnder(root, path as string))
    ? null
    : `must be under one of the server's allowed bind roots (${allowedRoots.join(', ')})`;
}

export function volumeNameProblem(name: unknown): string | null {
  if (typeof name !== 'string' || !VOLUME_NAME_PATTERN.test(name))
    return 'must be 1-40 lower-case letters, digits or dashes, not starting or ending with a dash';
  return null;
}

/** Two mounts of one application where one is, or is inside, the other: Docker would stack them, or a file would land in a volume. */
export function overlappingMountPaths(paths: readonly string[]): [string, string] | null {
  for (let i = 0; i < paths.length; i += 1) {
    for (let j = 0; j < paths.length; j += 1) {
      if (i !== j && isPathUnder(paths[i], paths[j])) return [paths[i], paths[j]];
    }
  }
  return null;
}
