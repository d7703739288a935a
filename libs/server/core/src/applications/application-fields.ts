import { isIP } from 'node:net';
import { GLOB_LIMITS, GlobSyntaxError, compileGlob, globAlternatives } from './glob';

/**
 * Allowlists for every application field that reaches git, Docker, Caddy or the server
 * (docs/security.md). The API validates with these before saving, and the worker checks again before
 * use, so a value that slipped into the database some other way still never reaches a command.
 * Each rule returns null when the value is acceptable, or a message for a person.
 */
export type FieldRule = (value: unknown) => string | null;

/** Longest input looked at: checked first, so a 10 MB string costs nothing. */
const MAX_RAW = 512;

const string = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= Math.min(max, MAX_RAW);

/** `zp-<name>` becomes a container name and a network alias, `zp/<name>` an image name. */
export const APP_NAME = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
const BRANCH_CHARS = /^[A-Za-z0-9._/-]+$/;
const COMMIT = /^[0-9a-f]{7,40}$/;
const PATH_SEGMENT = /^[A-Za-z0-9._-]+$/;
const BUILD_TARGET = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,255}$/;
// Docker's reference grammar, restricted to lower-case names (as Docker itself requires).
const IMAGE_NAME_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const IMAGE_TAG_PATTERN = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}';
const IMAGE_TAG = new RegExp(`^${IMAGE_TAG_PATTERN}$`);
const IMAGE_REF = new RegExp(
  `^(?:(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\\[[0-9a-f:]+\\])(?::[0-9]{1,5})?/)?` +
    `${IMAGE_NAME_COMPONENT}(?:/${IMAGE_NAME_COMPONENT})*` +
    `(?::${IMAGE_TAG_PATTERN})?(?:@sha256:[a-f0-9]{64})?$`,
);
const GIT_PATH = /^[A-Za-z0-9._~/-]+$/;
const GIT_USER = /^[A-Za-z0-9._-]{1,64}$/;

function isHostName(host: string): boolean {
  if (isIP(host) !== 0) return true;
  return host.length <= 253 && host.split('.').every((label) => DNS_LABEL.test(label.toLowerCase()));
}

export const appName: FieldRule = (value) =>
  string(value, 40) && APP_NAME.test(value) ? null : 'must be 1-40 lower-case letters, digits and dashes, starting and ending with a letter or digit';

/** git check-ref-format, narrowed to `[A-Za-z0-9._/-]`: no option-like, hidden or `..` parts. */
export const gitBranch: FieldRule = (value) => {
  const message = 'must be a branch name of letters, digits, . _ / - (not starting with - . or /, no .., no //, not ending with / . or .lock)';
  if (!string(value, 255) || !BRANCH_CHARS.test(value)) return message;
  if (
    /^[-./]/.test(value) ||
    value.includes('..') ||
    value.includes('//') ||
    /(?:\/|\.|\.lock)$/.test(value) ||
    value.split('/').some((p) => p.startsWith('.'))
  ) {
    return message;
  }
  return null;
};

export const gitCommit: FieldRule = (value) =>
  string(value, 40) && COMMIT.test(value) ? null : 'must be a commit hash (7-40 lower-case hex digits)';

/**
 * https://, http://, ssh:// URLs or scp-like `user@host:path`. Nothing else: no `ext::`, `file://`,
 * local paths or option-like values, and no credentials in the URL (use a deploy key).
 */
export const gitUrl: FieldRule = (value) => {
  const message = 'must be an https://, http://, ssh:// or user@host:path repository address without credentials';
  // `..` is refused in the raw text: URL parsing would silently resolve it away.
  if (!string(value, 500) || /[\s\0]/.test(value) || value.split(/[/:]/).includes('..')) return message;
  const scp = /^([^@/:]+)@([^:/]+):(.+)$/.exec(value);
  if (scp && !value.includes('://')) {
    const [, user, host, path] = scp;
    return GIT_USER.test(user) && isHostName(host) && GIT_PATH.test(path) && !path.startsWith('-') && !path.split('/').includes('..')
      ? null
      : message;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return message;
  }
  if (!['https:', 'http:', 'ssh:'].includes(url.protocol)) return message;
  if (url.password || (url.username && url.protocol !== 'ssh:') || (url.username && !GIT_USER.test(url.username))) return message;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!isHostName(host) || url.search || url.hash) return message;
  const path = decodeURIComponent(url.pathname);
  if (path.length < 2 || !GIT_PATH.test(path) || path.split('/').includes('..')) return message;
  return null;
};

/** A path inside the repository: relative, no `..`, no option-like first character. */
export const repoPath: FieldRule = (value) => {
  const message = 'must be a relative path inside the repository (letters, digits, . _ - and /, no ..)';
  if (!string(value, 255)) return message;
  if (value === '.') return null;
  const parts = value.split('/');
  return value.startsWith('-') || parts.some((p) => !PATH_SEGMENT.test(p) || p === '..' || p === '.') ? message : null;
};

/** A file in the repository (the Dockerfile): a repoPath that names something below the base directory, so not `.` itself. */
export const repoFilePath: FieldRule = (value) =>
  value === '.' ? 'must name a file inside the base directory, not the directory itself' : repoPath(value);

export const buildTarget: FieldRule = (value) =>
  string(value, 128) && BUILD_TARGET.test(value) ? null : 'must be a build stage name (letters, digits, . _ -, starting with a letter or digit)';

export const imageReference: FieldRule = (value) =>
  string(value, 255) && IMAGE_REF.test(value) ? null : 'must be an image reference like nginx:1.27, ghcr.io/org/app:tag or name@sha256:<digest>';

/** A Docker tag (`v1.4.2`, `sha-4f2a9c1`, `latest`): what CI pushed, to run instead of the reference's own tag. */
export const imageTag: FieldRule = (value) =>
  string(value, 128) && IMAGE_TAG.test(value) ? null : 'must be an image tag: 1-128 letters, digits, _ . -, not starting with . or -';

/** A public DNS name for an application: lower-case labels, at least two of them, no wildcard. */
export const domainName: FieldRule = (value) => {
  const message = 'must be a domain name like app.example.com (lower-case letters, digits, dashes and dots)';
  if (!string(value, 253)) return message;
  const labels = value.split('.');
  return labels.length >= 2 && labels.every((l) => DNS_LABEL.test(l)) && !/^[0-9]+$/.test(labels[labels.length - 1]) ? null : message;
};

/** The longest preview base domain: `pr-<number>.` (up to 14 characters) goes in front of it, within DNS's 253. */
export const PREVIEW_DOMAIN_MAX = 238;

/** The base of preview domains (previews are served at `pr-<number>.<previewDomain>`). */
export const previewDomain: FieldRule = (value) => {
  const problem = domainName(value);
  if (problem) return problem;
  return (value as string).length <= PREVIEW_DOMAIN_MAX
    ? null
    : `must be at most ${PREVIEW_DOMAIN_MAX} characters (previews are served at pr-<number>.<previewDomain>)`;
};

/** A preview's application name: the previewed one's, cut to leave room for `-pr-<number>` within the 40 characters of a name. */
export function previewAppName(applicationName: string, number: number): string {
  const suffix = `-pr-${number}`;
  return `${applicationName.slice(0, 40 - suffix.length).replace(/-+$/, '')}${suffix}`;
}

/** Where a preview is served. */
export function previewDomainOf(baseDomain: string, number: number): string {
  return `pr-${number}.${baseDomain}`;
}

/** The pull request's head on the target repository, which holds it for forks too (GitLab keeps merge requests under their own namespace). */
export function pullRequestRef(provider: 'github' | 'gitlab' | 'gitea', number: number): string {
  if (!Number.isInteger(number) || number <= 0) throw new Error('a pull request number is a positive integer');
  return provider === 'gitlab' ? `refs/merge-requests/${number}/head` : `refs/pull/${number}/head`;
}

/** The refs a preview may fetch, and nothing else. */
export const PULL_REQUEST_REF = /^refs\/(pull|merge-requests)\/[1-9][0-9]{0,9}\/head$/;

/** A tag name: the same narrowed check-ref-format as a branch. */
export const gitTag: FieldRule = (value) =>
  gitBranch(value) === null
    ? null
    : 'must be a tag name of letters, digits, . _ / - (not starting with - . or /, no .., no //, not ending with / . or .lock)';

/** The ref of a pushed tag, fetched for a tag deployment. */
export function tagRef(tag: string): string {
  if (gitTag(tag) !== null) throw new Error('not a valid tag name');
  return `refs/tags/${tag}`;
}

/** The refs a deployment may fetch instead of cloning its branch: a pull request head or a valid tag. */
export function isFetchableRef(ref: unknown): ref is string {
  if (typeof ref !== 'string') return false;
  if (PULL_REQUEST_REF.test(ref)) return true;
  return ref.startsWith('refs/tags/') && gitTag(ref.slice('refs/tags/'.length)) === null;
}

/** Why a glob cannot be saved (syntax, caps), or null; `check` looks at each pattern `{a,b}` expands to. */
function globProblem(value: string, allowNegation: boolean, check: (alternative: string) => boolean): string | null {
  try {
    compileGlob(value, { allowNegation });
  } catch (error) {
    if (error instanceof GlobSyntaxError) return `must be a valid glob: it ${error.message}`;
    throw error;
  }
  return globAlternatives(value).every(check) ? null : '';
}

const TAG_PATTERN = /^[A-Za-z0-9._/*?[\]{},!^-]+$/;

/** Which pushed tags deploy: a glob over tag names (syntax in glob.ts: `*`, `**`, `?`, `[...]`, `{a,b}`; no negation). */
export const tagPattern: FieldRule = (value) => {
  const message = 'must be a glob of tag names: letters, digits, . _ - / and the wildcards * ** ? [...] {a,b} (e.g. v* or release/**)';
  if (!string(value, 100) || !TAG_PATTERN.test(value)) return message;
  const problem = globProblem(value, false, (p) => p.length > 0 && !/^[-/.]/.test(p) && !p.includes('..') && !p.includes('//'));
  return problem === '' ? message : problem;
};

const WATCH_PATH = /^[A-Za-z0-9._/*?[\]{},!^-]+$/;

/** A watch-path glob (syntax in glob.ts, `!` in front for a negative one): relative, no `..`. */
export const watchPath: FieldRule = (value) => {
  const message = 'must be a relative path glob of letters, digits, . _ - / and the wildcards * ** ? [...] {a,b}, with ! in front to exclude (no ..)';
  if (!string(value, GLOB_LIMITS.patternLength) || !WATCH_PATH.test(value)) return message;
  const problem = globProblem(value, true, (p) => p.length > 0 && !p.startsWith('/') && !p.startsWith('-') && !p.split('/').includes('..'));
  return problem === '' ? message : problem;
};

/** The whole list of watch paths: each glob, the expansion total, and a positive pattern for the negative ones to subtract from. */
export function watchPathsProblem(list: unknown): string | null {
  if (!Array.isArray(list)) return 'must be a list of path globs';
  let alternatives = 0;
  for (const [i, value] of list.entries()) {
    const problem = watchPath(value);
    if (problem) return `[${i}] ${problem}`;
    alternatives += globAlternatives(value as string).length;
  }
  if (alternatives > GLOB_LIMITS.totalAlternatives)
    return `must expand to at most ${GLOB_LIMITS.totalAlternatives} patterns in all ({a,b} counts as two)`;
  if (list.length > 0 && list.every((v) => (v as string).startsWith('!')))
    return 'needs a pattern without ! (a changed file counts when it matches one without ! and none with !)';
  return null;
}

export const envKey: FieldRule = (value) =>
  string(value, 256) && ENV_KEY.test(value) ? null : 'must be a variable name: letters, digits and _, not starting with a digit';

export const APPLICATION_FIELD_RULES = {
  name: appName,
  gitBranch,
  gitCommit,
  gitUrl,
  dockerfilePath: repoFilePath,
  baseDirectory: repoPath,
  buildTarget,
  imageReference,
  imageTag,
  domain: domainName,
  previewDomain,
  tagPattern,
  envKey,
  watchPath,
} as const;

export type ApplicationField = keyof typeof APPLICATION_FIELD_RULES;
