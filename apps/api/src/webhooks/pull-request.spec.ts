import { injectionPayloads } from '@zpanel/core';
import { type PullRequestSpec, pullRequestDelivery } from '@zpanel/testing';
import { decidePull } from './webhooks.service';
import { type PullRequestEvent, parseDelivery } from './webhook-payload';

const head = 'b'.repeat(40);
const base: PullRequestSpec = {
  repoUrl: 'https://github.com/acme/shop.git',
  number: 42,
  action: 'opened',
  headSha: head,
  headBranch: 'feature/cart',
  baseBranch: 'main',
  title: 'Add the cart',
};
const app = { gitBranch: 'main', previewsEnabled: true, previewForks: false };
const DEPLOY_ACTIONS = {
  github: ['opened', 'reopened', 'synchronize'],
  gitea: ['opened', 'reopened', 'synchronized'],
  gitlab: ['open', 'reopen'],
} as const;
const CLOSE_ACTIONS = { github: ['closed'], gitea: ['closed'], gitlab: ['close', 'merge'] } as const;

function parsed(provider: 'github' | 'gitlab' | 'gitea', over: Partial<PullRequestSpec> = {}): PullRequestEvent {
  const { payload, event } = pullRequestDelivery(provider, { ...base, ...over });
  const delivery = parseDelivery(provider, event, payload);
  expect(delivery.kind).toBe('pull');
  return delivery.pull as PullRequestEvent;
}

describe('parseDelivery (pull requests)', () => {
  it('reads a real GitHub pull_request payload: number, title, head, branches, link, not a fork', () => {
    const { payload } = pullRequestDelivery('github', base);
    const d = parseDelivery('github', 'pull_request', payload);
    expect(d.repositories).toContain('github.com/acme/shop');
    expect(d.pull).toEqual({
      action: 'deploy',
      actionName: 'opened',
      number: 42,
      title: 'Add the cart',
      headSha: head,
      headBranch: 'feature/cart',
      baseBranch: 'main',
      fork: false,
      link: 'https://github.com/acme/shop/pull/42',
    });
  });

  it.each(['github', 'gitea', 'gitlab'] as const)('%s: opened, reopened and new commits deploy; closed and merged remove', (provider) => {
    for (const action of DEPLOY_ACTIONS[provider]) expect(parsed(provider, { action }).action).toBe('deploy');
    for (const action of CLOSE_ACTIONS[provider]) expect(parsed(provider, { action }).action).toBe('close');
    expect(parsed(provider, { action: 'labeled' }).action).toBe('other');
  });

  it('GitLab: an update deploys only when it brought commits', () => {
    expect(parsed('gitlab', { action: 'update', oldrev: 'c'.repeat(40) }).action).toBe('deploy');
    expect(parsed('gitlab', { action: 'update' })).toMatchObject({ action: 'other', actionName: 'update (no new commits)' });
  });

  it.each(['github', 'gitea', 'gitlab'] as const)('%s: a pull request from another repository is a fork, by repository id', (provider) => {
    expect(parsed(provider).fork).toBe(false);
    expect(parsed(provider, { fork: true }).fork).toBe(true);
  });

  it('GitHub: a deleted head repository counts as a fork; the author association plays no part', () => {
    const { payload } = pullRequestDelivery('github', base);
    const pr = payload.pull_request as Record<string, Record<string, unknown>>;
    expect(parseDelivery('github', 'pull_request', { ...payload, pull_request: { ...pr, head: { ...pr.head, repo: null } } }).pull?.fork).toBe(true);
    for (const association of ['OWNER', 'MEMBER', 'NONE']) {
      const forked = pullRequestDelivery('github', { ...base, fork: true }).payload;
      const forkPr = forked.pull_request as Record<string, unknown>;
      expect(parseDelivery('github', 'pull_request', { ...forked, pull_request: { ...forkPr, author_association: association } }).pull?.fork).toBe(
        true,
      );
    }
  });

  it('tolerates missing and mistyped fields (they read as absent, a missing repository id as a fork)', () => {
    const d = parseDelivery('github', 'pull_request', { action: 'opened', pull_request: { number: '42', head: { sha: 5 }, base: {} } });
    expect(d.pull).toMatchObject({ number: null, headSha: null, baseBranch: null, fork: true, link: null });
    expect(parseDelivery('gitlab', 'Merge Request Hook', 'x').pull).toMatchObject({ action: 'other', number: null });
    expect(parseDelivery('github', 'pull_request', { pull_request: { number: 1.5, html_url: 'javascript:alert(1)' } }).pull).toMatchObject({
      number: null,
      link: null,
    });
  });
});

describe('decidePull', () => {
  it('deploys the head of an opened pull request against the application’s branch', () => {
    expect(decidePull(app, parsed('github'))).toEqual({ action: 'deploy', number: 42, commit: head });
  });

  it('ignores pull requests while previews are off, and against another branch, saying why', () => {
    expect(decidePull({ ...app, previewsEnabled: false }, parsed('github'))).toEqual({
      action: 'ignore',
      reason: 'previews: pull request previews are off for this application',
    });
    expect(decidePull(app, parsed('gitea', { baseBranch: 'develop' }))).toEqual({
      action: 'ignore',
      reason: 'branch: the pull request targets develop, the application deploys main',
    });
    expect(decidePull(app, parsed('github', { action: 'labeled' })).action).toBe('ignore');
  });

  it('does not deploy forks unless the application allows them', () => {
    expect(decidePull(app, parsed('github', { fork: true }))).toMatchObject({ action: 'ignore', reason: expect.stringMatching(/^fork: /) });
    expect(decidePull({ ...app, previewForks: true }, parsed('github', { fork: true }))).toMatchObject({ action: 'deploy' });
    expect(decidePull(app, parsed('gitlab', { fork: true }))).toMatchObject({ action: 'ignore' });
  });

  it('removes on close even when previews were turned off meanwhile', () => {
    expect(decidePull({ ...app, previewsEnabled: false }, parsed('github', { action: 'closed' }))).toEqual({ action: 'close', number: 42 });
    expect(decidePull(app, parsed('gitlab', { action: 'merge' }))).toEqual({ action: 'close', number: 42 });
  });

  it('honours a skip marker in the title', () => {
    expect(decidePull(app, parsed('github', { title: 'WIP [skip deploy]' }))).toEqual({
      action: 'ignore',
      reason: 'skipped: [skip deploy] in the pull request title',
    });
  });

  it('refuses injection payloads in branches, commits and titles as data, never echoing an invalid branch', () => {
    for (const payload of injectionPayloads('/tmp/pwned')) {
      const branch = decidePull({ ...app, gitBranch: payload }, parsed('github', { baseBranch: payload }));
      expect(branch.action).toBe('ignore');
      if (branch.action === 'ignore') expect(branch.reason).not.toContain(payload);
      expect(decidePull(app, parsed('github', { headSha: payload })).action).toBe('ignore');
      expect(decidePull(app, parsed('gitlab', { action: 'open', headBranch: payload }))).toEqual({ action: 'deploy', number: 42, commit: head });
    }
  });
});
