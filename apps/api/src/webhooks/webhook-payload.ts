import type { WebhookProvider } from '@zpanel/contracts';
import { normalizeRepoUrl } from './repo-url';

/** One ref a push moved. Every field is data from the request: validated before any use. */
export interface PushedRef {
  /** The branch name when the ref is a branch (`refs/heads/<name>`), else null (a tag, or something else). */
  branch: string | null;
  /** The tag name when the ref is a tag (`refs/tags/<name>`), else null. */
  tag: string | null;
  /** The new head commit (a tag object for an annotated tag), or null when the ref was deleted. */
  commit: string | null;
  /** The head commit's message ('' when the payload has none). */
  message: string;
  /** Paths added, modified or removed by the pushed commits; null when the payload does not list them all. */
  changedFiles: string[] | null;
}

/** A pull/merge request event, read for previews. Every field is data from the request: validated before any use. */
export interface PullRequestEvent {
  /** `deploy`: opened, reopened or new commits; `close`: closed or merged; `other`: nothing for the preview. */
  action: 'deploy' | 'close' | 'other';
  /** The provider's action word as sent (bounded), for the reason. */
  actionName: string;
  /** The pull request number (GitLab: the merge request iid); null when missing or not a positive integer. */
  number: number | null;
  title: string;
  headSha: string | null;
  headBranch: string | null;
  /** The branch the pull request would merge into. */
  baseBranch: string | null;
  /** From another repository than the target one, by repository id (a missing head repository counts as a fork). */
  fork: boolean;
  link: string | null;
}

export interface ParsedDelivery {
  kind: 'ping' | 'push' | 'pull' | 'other';
  /** The provider's event name, as sent (bounded), for the log. */
  event: string;
  /** Normalized repository keys (see normalizeRepoUrl) the payload names. */
  repositories: string[];
  pushes: PushedRef[];
  /** Set for kind `pull`. */
  pull?: PullRequestEvent;
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

function tagOf(ref: unknown): string | null {
  const r = str(ref, 1000);
  return r?.startsWith('refs/tags/') ? r.slice('refs/tags/'.length) : null;
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
    tag: tagOf(body.ref),
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
    tag: tagOf(body.ref),
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
    const isTag = (next.type ?? old.type) === 'tag';
    const target = obj(next.target);
    return {
      branch: isBranch ? str(next.name ?? old.name, 1000) : null,
      tag: isTag ? str(next.name ?? old.name, 1000) : null,
      commit: change.new === null || change.closed === true ? null : sha(target.hash),
      message: str(target.message) ?? '',
      // Bitbucket's push payload does not list changed files.
      changedFiles: null,
    };
  });
}

const MAX_PULL_NUMBER = 2_000_000_000;
const pullNumber = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= MAX_PULL_NUMBER ? v : null);
/** Repository ids: numbers on GitHub, GitLab and Gitea. Absent reads as null, which never equals anything. */
const repoId = (v: unknown): string | null => (typeof v === 'number' || (typeof v === 'string' && v !== '') ? String(v) : null);
const isFork = (head: string | null, base: string | null) => head === null || base === null || head !== base;
const webLink = (v: unknown): string | null => {
  const text = str(v, 2000);
  return text && /^https?:\/\//i.test(text) ? text : null;
};

/** GitHub `pull_request` and Gitea `pull_request` events share their shape (Gitea says `synchronized`, and gives repo ids on head/base too). */
function githubLikePull(body: Json): PullRequestEvent {
  const pr = obj(body.pull_request);
  const head = obj(pr.head);
  const base = obj(pr.base);
  const actionName = str(body.action, 100) ?? '';
  const action = ['opened', 'reopened', 'synchronize', 'synchronized'].includes(actionName) ? 'deploy' : actionName === 'closed' ? 'close' : 'other';
  const headRepo = head.repo === null ? null : repoId(obj(head.repo).id ?? head.repo_id);
  const baseRepo = repoId(obj(base.repo).id ?? base.repo_id ?? obj(body.repository).id);
  return {
    action,
    actionName,
    number: pullNumber(pr.number ?? body.number),
    title: str(pr.title, 300) ?? '',
    headSha: sha(head.sha),
    headBranch: str(head.ref, 1000),
    baseBranch: str(base.ref, 1000),
    fork: isFork(headRepo, baseRepo),
    link: webLink(pr.html_url),
  };
}

/** GitLab "Merge Request Hook": `update` deploys only when it brought commits (`oldrev`), not for a new title or label. */
function gitlabPull(body: Json): PullRequestEvent {
  const mr = obj(body.object_attributes);
  const actionName = str(mr.action, 100) ?? '';
  const hasNewCommits = typeof mr.oldrev === 'string' && mr.oldrev !== '';
  const action =
    actionName === 'open' || actionName === 'reopen' || (actionName === 'update' && hasNewCommits)
      ? 'deploy'
      : actionName === 'close' || actionName === 'merge'
        ? 'close'
        : 'other';
  return {
    action,
    actionName: actionName === 'update' && !hasNewCommits ? 'update (no new commits)' : actionName,
    number: pullNumber(mr.iid),
    title: str(mr.title, 300) ?? '',
    headSha: sha(obj(mr.last_commit).id),
    headBranch: str(mr.source_branch, 1000),
    baseBranch: str(mr.target_branch, 1000),
    fork: isFork(repoId(mr.source_project_id), repoId(mr.target_project_id)),
    link: webLink(mr.url),
  };
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
      // Gitea names a new commit on a pull request `pull_request_sync` in some versions.
      if (event === 'pull_request' || (provider === 'gitea' && event === 'pull_request_sync'))
        return { kind: 'pull', event, repositories: repos, pushes: [], pull: githubLikePull(body) };
      return { kind: 'other', event, repositories: repos, pushes: [] };
    }
    case 'gitlab': {
      const project = obj(body.project);
      const repos = repositories([
        project.git_http_url,
        project.git_ssh_url,
        project.web_url,
        repo.git_http_url,
        repo.git_ssh_url,
        repo.homepage,
        repo.url,
      ]);
      if (event === 'Push Hook' || event === 'Tag Push Hook') return { kind: 'push', event, repositories: repos, pushes: [gitlabPush(body)] };
      if (event === 'Merge Request Hook') return { kind: 'pull', event, repositories: repos, pushes: [], pull: gitlabPull(body) };
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
