import { createHmac, randomUUID } from 'node:crypto';

/**
 * Push and ping deliveries shaped as each provider documents them (GitHub and Gitea "push", GitLab
 * "Push Hook", Bitbucket "repo:push"), trimmed to realistic fields, with the headers each sends.
 */
export type WebhookProviderName = 'github' | 'gitlab' | 'bitbucket' | 'gitea';

export interface PushSpec {
  /** The repository's clone URL as the provider reports it, e.g. http://127.0.0.1:1234/app.git */
  repoUrl: string;
  branch: string;
  /** Head commit. */
  after: string;
  message?: string;
  /** Files of the (single) pushed commit. */
  added?: string[];
  modified?: string[];
  removed?: string[];
  /** A ref other than refs/heads/<branch> (e.g. a tag). */
  ref?: string;
}

const author = { name: 'Octo Cat', email: 'octocat@example.com', username: 'octocat' };

function repoParts(repoUrl: string): { host: string; fullName: string; name: string; owner: string; web: string; ssh: string } {
  const url = new URL(repoUrl);
  const fullName = url.pathname.replace(/^\//, '').replace(/\.git$/, '');
  const parts = fullName.split('/');
  const name = parts[parts.length - 1];
  return {
    host: url.host,
    fullName,
    name,
    owner: parts.length > 1 ? parts[0] : 'owner',
    web: `${url.protocol}//${url.host}/${fullName}`,
    ssh: `git@${url.hostname}:${fullName}.git`,
  };
}

type Parts = ReturnType<typeof repoParts>;

/** A GitHub (or Gitea) repository's names and URLs, as its deliveries carry them. */
function githubRepositoryNames(r: Parts, repoUrl: string) {
  return {
    name: r.name,
    full_name: r.fullName,
    html_url: r.web,
    url: r.web,
    git_url: `git://${r.host}/${r.fullName}.git`,
    ssh_url: r.ssh,
    clone_url: repoUrl,
  };
}

/** A Gitea owner: GitHub's login, and Gitea's own username. */
const giteaOwner = (r: Parts) => ({ id: 1, login: r.owner, username: r.owner });

/** The `project` of a GitLab delivery. */
function gitlabProject(r: Parts, repoUrl: string) {
  return {
    id: 15,
    name: r.name,
    web_url: r.web,
    git_ssh_url: r.ssh,
    git_http_url: repoUrl,
    namespace: r.owner,
    path_with_namespace: r.fullName,
    default_branch: 'main',
  };
}

function githubLike(spec: PushSpec): Record<string, unknown> {
  const r = repoParts(spec.repoUrl);
  const commit = {
    id: spec.after,
    tree_id: 'f9d2a07e9488b91af2641b26b9407fe22a451433',
    distinct: true,
    message: spec.message ?? 'Update the app',
    timestamp: '2026-11-23T08:00:00Z',
    url: `${r.web}/commit/${spec.after}`,
    author,
    committer: author,
    added: spec.added ?? [],
    removed: spec.removed ?? [],
    modified: spec.modified ?? ['index.html'],
  };
  return {
    ref: spec.ref ?? `refs/heads/${spec.branch}`,
    before: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
    after: spec.after,
    created: false,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `${r.web}/compare/6113728f27ae...${spec.after.slice(0, 12)}`,
    commits: [commit],
    head_commit: commit,
    repository: {
      id: 186853002,
      node_id: 'MDEwOlJlcG9zaXRvcnkxODY4NTMwMDI=',
      ...githubRepositoryNames(r, spec.repoUrl),
      private: false,
      owner: { login: r.owner, id: 21031067, type: 'User' },
      default_branch: 'main',
    },
    pusher: { name: author.username, email: author.email },
    sender: { login: author.username, id: 21031067, type: 'User' },
  };
}

export function githubPushPayload(spec: PushSpec): Record<string, unknown> {
  return githubLike(spec);
}

export function githubPingPayload(repoUrl: string): Record<string, unknown> {
  const r = repoParts(repoUrl);
  return {
    zen: 'Design for failure.',
    hook_id: 30,
    hook: {
      type: 'Repository',
      id: 30,
      name: 'web',
      active: true,
      events: ['push'],
      config: { content_type: 'json', insecure_ssl: '0', url: 'https://zpanel.example.com/webhooks/github' },
    },
    repository: { id: 186853002, name: r.name, full_name: r.fullName, html_url: r.web, clone_url: repoUrl, ssh_url: r.ssh },
    sender: { login: author.username, id: 21031067 },
  };
}

export function giteaPushPayload(spec: PushSpec): Record<string, unknown> {
  const payload = githubLike(spec);
  const repository = payload.repository as Record<string, unknown>;
  return {
    ...payload,
    total_commits: 1,
    repository: { ...repository, owner: giteaOwner(repoParts(spec.repoUrl)) },
  };
}

export function gitlabPushPayload(spec: PushSpec): Record<string, unknown> {
  const r = repoParts(spec.repoUrl);
  const commit = {
    id: spec.after,
    message: spec.message ?? 'Update the app',
    title: (spec.message ?? 'Update the app').split('\n')[0],
    timestamp: '2026-11-23T08:00:00+00:00',
    url: `${r.web}/-/commit/${spec.after}`,
    author: { name: author.name, email: author.email },
    added: spec.added ?? [],
    modified: spec.modified ?? ['index.html'],
    removed: spec.removed ?? [],
  };
  const project = gitlabProject(r, spec.repoUrl);
  return {
    object_kind: 'push',
    event_name: 'push',
    before: '95790bf891e76fee5e1747ab589903a6a1f80f22',
    after: spec.after,
    ref: spec.ref ?? `refs/heads/${spec.branch}`,
    ref_protected: true,
    checkout_sha: spec.after,
    user_id: 4,
    user_name: author.name,
    user_username: author.username,
    project_id: 15,
    project,
    repository: { name: r.name, url: r.ssh, description: '', homepage: r.web, git_http_url: spec.repoUrl, git_ssh_url: r.ssh, visibility_level: 0 },
    commits: [commit],
    total_commits_count: 1,
  };
}

export function bitbucketPushPayload(spec: PushSpec): Record<string, unknown> {
  const r = repoParts(spec.repoUrl);
  const target = {
    type: 'commit',
    hash: spec.after,
    message: `${spec.message ?? 'Update the app'}\n`,
    date: '2026-11-23T08:00:00+00:00',
    author: { type: 'author', raw: `${author.name} <${author.email}>` },
    links: { html: { href: `${r.web}/commits/${spec.after}` } },
  };
  return {
    actor: { type: 'user', display_name: author.name, nickname: author.username },
    repository: {
      type: 'repository',
      full_name: r.fullName,
      name: r.name,
      is_private: false,
      uuid: '{4f8d1a5e-3a0c-4e49-9b5d-0f0cfa4c2f11}',
      links: { html: { href: r.web }, self: { href: `https://api.bitbucket.org/2.0/repositories/${r.fullName}` } },
    },
    push: {
      changes: [
        {
          new: { type: spec.ref?.startsWith('refs/tags/') ? 'tag' : 'branch', name: spec.branch, target },
          old: { type: 'branch', name: spec.branch, target: { type: 'commit', hash: '1e65c05c1d5171631d92438a13901ca7dae9618c' } },
          created: false,
          forced: false,
          closed: false,
          commits: [target],
          truncated: false,
        },
      ],
    },
  };
}

/** The headers a provider sends with a delivery, signed with `secret` (null: no signature header). */
export function webhookHeaders(
  provider: WebhookProviderName,
  body: string,
  secret: string | null,
  options: { event?: string; deliveryId?: string } = {},
): Record<string, string> {
  const deliveryId = options.deliveryId ?? randomUUID();
  const hex = secret === null ? null : createHmac('sha256', secret).update(body).digest('hex');
  const common = { 'content-type': 'application/json' };
  switch (provider) {
    case 'github':
      return {
        ...common,
        'user-agent': 'GitHub-Hookshot/044aadd',
        'x-github-event': options.event ?? 'push',
        'x-github-delivery': deliveryId,
        'x-github-hook-id': '30',
        ...(hex ? { 'x-hub-signature-256': `sha256=${hex}` } : {}),
      };
    case 'gitea':
      return {
        ...common,
        'user-agent': 'Go-http-client/1.1',
        'x-gitea-event': options.event ?? 'push',
        'x-gitea-delivery': deliveryId,
        ...(hex ? { 'x-gitea-signature': hex } : {}),
      };
    case 'gitlab':
      return {
        ...common,
        'user-agent': 'GitLab/17.5.0',
        'x-gitlab-event': options.event ?? 'Push Hook',
        'x-gitlab-event-uuid': deliveryId,
        'x-gitlab-instance': 'https://gitlab.example.com',
        ...(secret !== null ? { 'x-gitlab-token': secret } : {}),
      };
    case 'bitbucket':
      return {
        ...common,
        'user-agent': 'Bitbucket-Webhooks/2.0',
        'x-event-key': options.event ?? 'repo:push',
        'x-request-uuid': deliveryId,
        'x-hook-uuid': '{a1b2}',
        ...(hex ? { 'x-hub-signature': `sha256=${hex}` } : {}),
      };
  }
}

export function pushPayload(provider: WebhookProviderName, spec: PushSpec): Record<string, unknown> {
  return { github: githubPushPayload, gitea: giteaPushPayload, gitlab: gitlabPushPayload, bitbucket: bitbucketPushPayload }[provider](spec);
}

export interface PullRequestSpec {
  /** The target repository's clone URL, as in PushSpec. */
  repoUrl: string;
  number: number;
  /** GitHub/Gitea action (`opened`, `synchronize`/`synchronized`, `closed`, …); GitLab: `open`, `update`, `close`, `merge`. */
  action: string;
  headSha: string;
  headBranch?: string;
  baseBranch: string;
  title?: string;
  /** From another repository (a different repository id). */
  fork?: boolean;
  /** GitLab `update`: the previous head, sent when the update brought commits. */
  oldrev?: string;
}

type Json = Record<string, unknown>;

/** A real GitHub `pull_request` delivery (from @octokit/webhooks-examples) pointed at the spec's repository, commit and branches. */
export function githubPullRequestPayload(spec: PullRequestSpec): Json {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const examples = require('@octokit/webhooks-examples/api.github.com/index.json') as { name: string; examples: Json[] }[];
  const byAction = examples.find((e) => e.name === 'pull_request')?.examples ?? [];
  const example = structuredClone(byAction.find((e) => e.action === spec.action) ?? byAction.find((e) => e.action === 'opened')) as Json;
  const r = repoParts(spec.repoUrl);
  const repository = { ...(example.repository as Json), ...githubRepositoryNames(r, spec.repoUrl) };
  const pr = example.pull_request as Json;
  const head = pr.head as Json;
  const base = pr.base as Json;
  const headRepo = spec.fork ? { ...repository, id: 987654321, full_name: `someone-else/${r.name}`, fork: true } : repository;
  return {
    ...example,
    action: spec.action,
    number: spec.number,
    repository,
    pull_request: {
      ...pr,
      number: spec.number,
      title: spec.title ?? pr.title,
      html_url: `${r.web}/pull/${spec.number}`,
      state: spec.action === 'closed' ? 'closed' : 'open',
      head: { ...head, ref: spec.headBranch ?? 'feature', sha: spec.headSha, repo: headRepo },
      base: { ...base, ref: spec.baseBranch, repo: repository },
    },
  };
}

/** A Gitea `pull_request` delivery as Gitea documents it (GitHub's shape with repo ids on head and base). */
export function giteaPullRequestPayload(spec: PullRequestSpec): Json {
  const r = repoParts(spec.repoUrl);
  const repository = {
    id: 7,
    name: r.name,
    full_name: r.fullName,
    html_url: r.web,
    clone_url: spec.repoUrl,
    ssh_url: r.ssh,
    owner: giteaOwner(r),
  };
  const headRepo = spec.fork ? { ...repository, id: 99, full_name: `someone-else/${r.name}`, fork: true } : repository;
  return {
    action: spec.action,
    number: spec.number,
    pull_request: {
      id: 1000 + spec.number,
      number: spec.number,
      title: spec.title ?? 'Update the app',
      body: '',
      state: spec.action === 'closed' ? 'closed' : 'open',
      html_url: `${r.web}/pulls/${spec.number}`,
      merged: false,
      head: { label: spec.headBranch ?? 'feature', ref: spec.headBranch ?? 'feature', sha: spec.headSha, repo_id: headRepo.id, repo: headRepo },
      base: {
        label: spec.baseBranch,
        ref: spec.baseBranch,
        sha: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
        repo_id: repository.id,
        repo: repository,
      },
    },
    repository,
    sender: { id: 1, login: author.username, username: author.username },
  };
}

/** A GitLab "Merge Request Hook" delivery as GitLab documents it. */
export function gitlabMergeRequestPayload(spec: PullRequestSpec): Json {
  const r = repoParts(spec.repoUrl);
  const project = gitlabProject(r, spec.repoUrl);
  return {
    object_kind: 'merge_request',
    event_type: 'merge_request',
    user: { id: 1, name: author.name, username: author.username },
    project,
    repository: { name: r.name, url: r.ssh, homepage: r.web, description: '' },
    object_attributes: {
      id: 90 + spec.number,
      iid: spec.number,
      title: spec.title ?? 'Update the app',
      state: spec.action === 'close' ? 'closed' : spec.action === 'merge' ? 'merged' : 'opened',
      action: spec.action,
      source_branch: spec.headBranch ?? 'feature',
      target_branch: spec.baseBranch,
      source_project_id: spec.fork ? 16 : 15,
      target_project_id: 15,
      url: `${r.web}/-/merge_requests/${spec.number}`,
      last_commit: {
        id: spec.headSha,
        message: spec.title ?? 'Update the app',
        timestamp: '2026-11-23T08:00:00+00:00',
        url: `${r.web}/-/commit/${spec.headSha}`,
      },
      ...(spec.oldrev ? { oldrev: spec.oldrev } : {}),
    },
  };
}

/** The pull request delivery of a provider with previews, and its event header value. */
export function pullRequestDelivery(provider: 'github' | 'gitlab' | 'gitea', spec: PullRequestSpec): { payload: Json; event: string } {
  if (provider === 'gitlab') return { payload: gitlabMergeRequestPayload(spec), event: 'Merge Request Hook' };
  return { payload: provider === 'github' ? githubPullRequestPayload(spec) : giteaPullRequestPayload(spec), event: 'pull_request' };
}
