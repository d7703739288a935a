/**
 * One key for the several spellings of a repository: https://, http://, ssh://, git://, scp-like
 * `git@host:owner/repo`, with or without `.git`, a trailing slash, a user or a port. The result is
 * `host/path`, lower-cased. Lower-casing the path too matches more than strictly the same
 * repository on case-sensitive hosts; that is harmless because a match only makes an application a
 * candidate: the delivery must still carry a valid signature for that application's secret.
 * Returns null for anything that is not a repository address.
 */
export function normalizeRepoUrl(value: unknown): string | null {
  // `..` is refused in the raw text: URL parsing would silently resolve it away.
  if (typeof value !== 'string' || value.length === 0 || value.length > 500 || /[\s\0]/.test(value) || value.split(/[/:]/).includes('..'))
    return null;
  let host: string;
  let path: string;
  const scp = /^(?:[^@/:]+@)?([^:/]+):(?!\/\/)(.+)$/.exec(value);
  if (scp && !value.includes('://')) {
    [, host, path] = scp;
  } else {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return null;
    }
    if (!['https:', 'http:', 'ssh:', 'git:'].includes(url.protocol)) return null;
    host = url.hostname;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return null;
    }
  }
  path = path
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/i, '')
    .replace(/\/+$/, '');
  host = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (!host || !path || path.split('/').some((p) => p === '' || p === '.' || p === '..')) return null;
  return `${host}/${path.toLowerCase()}`;
}

/** The last path segment of a normalized key (the repository's name), for a cheap database pre-filter. */
export function repoName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}
