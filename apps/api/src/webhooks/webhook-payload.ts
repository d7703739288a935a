import type { WebhookProvider } from '@zpanel/contracts';
import { normalizeRepoUrl } from './repo-url';

/** One ref a push moved. Every field is data from the request: validated before any use. */
export interface PushedRef {
  /** The branch name when the ref is a branch (`refs/heads/<name>`), else null (a tag, or something else). */
  branch: string | null;
  /** The new head commit, or null when the ref was deleted. */
  commit: string | null;
  /** The head commit's message ('' when the payload has none). */
  message: string;
  /** Paths added, modified or removed by the pushed commits; null when the payload does not list them all. */
  changedFiles: string[] | null;
}

export interface ParsedDelivery {
  kind: 'ping' | 'push' | 'other';
  /** The provider's event name, as sent (bounded), for the log. */
  event: string;
  /** Normalized repository keys (see normalizeRepoUrl) the payload names. */
  repositories: string[];
  pushes: PushedRef[];
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown, max = 100_000): string | null => (typeof v === 'string' && v.length <= max ? v : null);
const NULL_SHA = /^0+$/;
/** A commit as sent, cut to a length no valid hash has: an over-long value stays invalid instead of reading as absent. */
const sha = (v: unknown): string | null => (typeof v === 'string' ? v.slice(0, 100) : null);

/** The headers naming the event and the delivery, per provider (lower-case, as Node gives them). */
export const EVENT_HEADERS: Record<WebhookProvider, string> = {
  github: 'x-github-event',
  gitea: 'x-gitea-event',
  gitlab: 'x-gitlab-event',
  bitbucket: 'x-event-key',
};
export const DELIVERY_HEADERS: Record<WebhookProvider, string> = {
  github: 'x-github-delivery',
  gitea: 'x-gitea-delivery',
  gitlab: 'x-gitlab-event-uuid',
  bitbucket: 'x-request-uuid',
};

function repositories(values: unknown[]): string[] {
  return [...new Set(values.map(normalizeRepoUrl).filter((k): k is string => k !== null))];
}

function branchOf(ref: unknown): string | null {
  const r = str(ref, 1000);
  return r?.startsWith('refs/heads/') ? r.slice('refs/heads/'.length) : null;
}

/** Union of added/modified/removed over the commits listed; null when some commit lacks the lists. */
function changedFiles(commits: unknown[]): string[] | null {
  const files = new Set<string>();
  for (const c of commits) {
    const commit = obj(c);
    const lists = [commit.added, commit.modified, commit.removed];
    if (!lists.every(Array.isArray)) return null;
    for (const list of lists) for (const f of arr(list)) if (typeof f === 'string' && f.length <= 4096) files.add(f);
  }
  return [...files];
}

/** GitHub and Gitea send the same push shape. */
function githubLikePush(body: Json): PushedRef {
  const after = sha(body.after);
  const deleted = body.deleted === true || (after !== null && NULL_SHA.test(after));
  const commits = arr(body.commits);
  const head = obj(body.head_commit);
  const last = obj(commits[commits.length - 1]);
  return {
    branch: branchOf(body.ref),
    commit: deleted ? null : (after ?? sha(head.id)),
    message: str(head.message) ?? str(last.message) ?? '',
    changedFiles: commits.length === 0 ? null : changedFiles(commits),
  };
}

function gitlabPush(body: Json): PushedRef {
  const after = sha(body.after);
  const checkout = sha(body.checkout_sha);
  const deleted = (after !== null && NULL_SHA.test(after)) || (body.checkout_sha === null && after !== null);
  const commits = arr(body.commits);
  const headId = checkout ?? after;
  const head = obj(commits.find((c) => obj(c).id === headId) ?? commits[commits.length - 1]);
  const total = typeof body.total_commits_count === 'number' ? body.total_commits_count : commits.length;
  return {
    branch: branchOf(body.ref),
    commit: deleted ? null : headId,
    message: str(head.message) ?? '',
    // GitLab lists at most 20 commits: with more, the changed files are not all known.
    changedFiles: commits.length === 0 || total > commits.length ? null : changedFiles(commits),
  };
}

function bitbucketPushes(body: Json): PushedRef[] {
  return arr(obj(body.push).changes).map((c) => {
    const change = obj(c);
    const next = obj(change.new);
    const old = obj(change.old);
    const isBranch = (next.type ?? old.type) === 'branch';
    const target = obj(next.target);
    return {
      branch: isBranch ? str(next.name ?? old.name, 1000) : null,
      commit: change.new === null || change.closed === true ? null : sha(target.hash),
      message: str(target.message) ?? '',
      // Bitbucket's push payload does not list changed files.
      changedFiles: null,
    };
  });
}

/** Reads what Zpanel acts on from a delivery; tolerant of missing or mistyped fields (they read as absent). */
export function parseDelivery(provider: WebhookProvider, eventHeader: string | undefined, payload: unknown): ParsedDelivery {
  const body = obj(payload);
  const event = (eventHeader ?? '').slice(0, 100);
  const repo = obj(body.repository);
  switch (provider) {
    case 'github':
    case 'gitea': {
      const repos = repositories([repo.clone_url, repo.ssh_url, repo.html_url, repo.git_url, repo.url]);
      if (event === 'ping') return { kind: 'ping', event, repositories: repos, pushes: [] };
      if (event === 'push') return { kind: 'push', event, repositories: repos, pushes: [githubLikePush(body)] };
      return { kind: 'other', event, repositories: repos, pushes: [] };
    }
    case 'gitlab': {
      const project = obj(body.project);
      const repos = repositories([project.git_http_url, project.git_ssh_url, project.web_url, repo.git_http_url, repo.git_ssh_url, repo.homepage, repo.url]);
      if (event === 'Push Hook' || event === 'Tag Push Hook') return { kind: 'push', event, repositories: repos, pushes: [gitlabPush(body)] };
      return { kind: 'other', event, repositories: repos, pushes: [] };
    }
    case 'bitbucket': {
      const links = obj(repo.links);
      const fullName = str(repo.full_name, 500);
      const repos = repositories([obj(links.html).href, fullName ? `https://bitbucket.org/${fullName}` : null]);
      if (event === 'diagnostics:ping') return { kind: 'ping', event, repositories: repos, pushes: [] };
      if (event === 'repo:push') return { kind: 'push', event, repositories: repos, pushes: bitbucketPushes(body) };
      return { kind: 'other', event, repositories: repos, pushes: [] };
    }
  }
}

const SKIP_MARKER = /\[(skip ci|ci skip|skip deploy)\]/i;

/** The marker in a commit message that asks not to deploy, or null. */
export function skipMarker(message: string): string | null {
  return SKIP_MARKER.exec(message)?.[0] ?? null;
}
