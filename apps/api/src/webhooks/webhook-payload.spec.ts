import { injectionPayloads } from '@zpanel/core';
import { type PushSpec, bitbucketPushPayload, giteaPushPayload, githubPingPayload, githubPushPayload, gitlabPushPayload } from '@zpanel/testing';
import { decide, readPayload } from './webhooks.service';
import { parseDelivery, skipMarker } from './webhook-payload';

const sha = 'a'.repeat(40);
const spec: PushSpec = {
  repoUrl: 'https://github.com/acme/shop.git',
  branch: 'main',
  after: sha,
  message: 'Fix the cart',
  added: ['docs/a.md'],
  modified: ['apps/api/main.ts'],
  removed: [],
};
const app = { gitBranch: 'main', watchPaths: [] as string[] };

describe('parseDelivery', () => {
  it('reads a GitHub push: repository spellings, branch, head commit, changed files', () => {
    const d = parseDelivery('github', 'push', githubPushPayload(spec));
    expect(d.kind).toBe('push');
    expect(d.repositories).toContain('github.com/acme/shop');
    expect(d.pushes).toEqual([{ branch: 'main', tag: null, commit: sha, message: 'Fix the cart', changedFiles: ['docs/a.md', 'apps/api/main.ts'] }]);
  });

  it.each([
    ['gitea', 'push', giteaPushPayload(spec)],
    ['gitlab', 'Push Hook', gitlabPushPayload(spec)],
  ] as const)('reads a %s push the same way', (provider, event, payload) => {
    const d = parseDelivery(provider, event, payload);
    expect(d.repositories).toContain('github.com/acme/shop');
    expect(d.pushes).toEqual([{ branch: 'main', tag: null, commit: sha, message: 'Fix the cart', changedFiles: ['docs/a.md', 'apps/api/main.ts'] }]);
  });

  it('reads a Bitbucket push, whose payload lists no changed files', () => {
    const d = parseDelivery('bitbucket', 'repo:push', bitbucketPushPayload({ ...spec, repoUrl: 'https://bitbucket.org/acme/shop.git' }));
    expect(d.repositories).toEqual(['bitbucket.org/acme/shop']);
    expect(d.pushes).toEqual([{ branch: 'main', tag: null, commit: sha, message: 'Fix the cart\n', changedFiles: null }]);
  });

  it('answers pings and leaves other events alone', () => {
    expect(parseDelivery('github', 'ping', githubPingPayload(spec.repoUrl)).kind).toBe('ping');
    expect(parseDelivery('bitbucket', 'diagnostics:ping', {}).kind).toBe('ping');
    expect(parseDelivery('github', 'issues', {}).kind).toBe('other');
    expect(parseDelivery('gitlab', 'Note Hook', {}).kind).toBe('other');
  });

  it('tolerates missing and mistyped fields', () => {
    for (const payload of [undefined, null, 42, 'text', [], {}, { ref: 5, after: {}, commits: 'x', head_commit: [], repository: { clone_url: 7 } }]) {
      for (const provider of ['github', 'gitea', 'gitlab', 'bitbucket'] as const) {
        const d = parseDelivery(provider, provider === 'gitlab' ? 'Push Hook' : provider === 'bitbucket' ? 'repo:push' : 'push', payload);
        expect(d.repositories).toEqual([]);
        for (const p of d.pushes) expect(p.branch).toBeNull();
      }
    }
    const noFiles = githubPushPayload(spec);
    (noFiles.commits as Record<string, unknown>[])[0].added = undefined;
    expect(parseDelivery('github', 'push', noFiles).pushes[0].changedFiles).toBeNull();
  });

  it('marks a deleted branch as having no commit', () => {
    const deleted = { ...githubPushPayload(spec), deleted: true, after: '0'.repeat(40), head_commit: null, commits: [] };
    expect(parseDelivery('github', 'push', deleted).pushes[0].commit).toBeNull();
    const gl = { ...gitlabPushPayload(spec), after: '0'.repeat(40), checkout_sha: null };
    expect(parseDelivery('gitlab', 'Push Hook', gl).pushes[0].commit).toBeNull();
  });

  it('does not trust GitLab’s truncated commit list for changed files', () => {
    const many = { ...gitlabPushPayload(spec), total_commits_count: 40 };
    expect(parseDelivery('gitlab', 'Push Hook', many).pushes[0].changedFiles).toBeNull();
  });
});

describe('skipMarker', () => {
  it.each(['Fix [skip ci]', '[ci skip] docs', 'Release\n\n[skip deploy]', 'x [SKIP CI]'])('finds the marker in %j', (message) => {
    expect(skipMarker(message)).not.toBeNull();
  });
  it.each(['skip ci', '[skip]', 'Fix the cart', '[skip-ci]'])('ignores %j', (message) => {
    expect(skipMarker(message)).toBeNull();
  });
});

describe('decide', () => {
  const push = (over: Partial<PushSpec> = {}) => parseDelivery('github', 'push', githubPushPayload({ ...spec, ...over }));

  it('deploys the head commit of the application’s branch', () => {
    expect(decide(app, push())).toEqual({ outcome: 'accepted', reason: 'deployed', commit: sha });
  });

  it('ignores another branch, a tag, and a deleted branch', () => {
    expect(decide(app, push({ branch: 'feature/x' })).reason).toMatch(/^branch: pushed to feature\/x/);
    expect(decide(app, push({ ref: 'refs/tags/v1' })).outcome).toBe('ignored');
    const deleted = { ...githubPushPayload(spec), deleted: true };
    expect(decide(app, parseDelivery('github', 'push', deleted))).toMatchObject({ outcome: 'ignored', reason: 'branch: the branch was deleted' });
  });

  it('refuses invalid branch names and commits as data, never echoing them', () => {
    for (const branch of ['main; touch /tmp/pwned', '$(touch /tmp/pwned)', '-oProxyCommand=x', '../../etc/passwd', 'main\ntouch']) {
      const d = decide({ gitBranch: branch, watchPaths: [] }, push({ branch }));
      expect(d.outcome).toBe('ignored');
      expect(d.reason).not.toContain('touch');
      expect(d.commit).toBeUndefined();
    }
    for (const after of ['$(touch /tmp/pwned)', 'ABCDEF1234567', '--upload-pack=x', 'a'.repeat(41)]) {
      expect(decide(app, push({ after }))).toEqual({ outcome: 'ignored', reason: 'commit: the pushed commit is not a valid commit hash' });
    }
  });

  it('skips on a skip marker', () => {
    expect(decide(app, push({ message: 'Docs only [skip deploy]' }))).toEqual({
      outcome: 'ignored',
      reason: 'skipped: [skip deploy] in the head commit message',
    });
  });

  it('deploys only when a changed file matches a watch path', () => {
    expect(decide({ ...app, watchPaths: ['apps/api/**'] }, push()).outcome).toBe('accepted');
    expect(decide({ ...app, watchPaths: ['docs/**'] }, push()).outcome).toBe('accepted');
    expect(decide({ ...app, watchPaths: ['apps/web/**'] }, push())).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringMatching(/^watch paths:/),
    });
    expect(decide({ ...app, watchPaths: ['apps/web/**'] }, push({ modified: [], added: [], removed: ['apps/web/old.ts'] })).outcome).toBe('accepted');
  });

  it('answers a ping and ignores other events', () => {
    expect(decide(app, parseDelivery('github', 'ping', githubPingPayload(spec.repoUrl))).reason).toMatch(/^ping/);
    expect(decide(app, parseDelivery('github', 'issues', {})).reason).toMatch(/^event/);
  });
});

describe('decide (tag pushes)', () => {
  const tagPush = (provider: 'github' | 'gitea' | 'gitlab' | 'bitbucket', tag: string, over: Partial<PushSpec> = {}) => {
    const payloads = { github: githubPushPayload, gitea: giteaPushPayload, gitlab: gitlabPushPayload, bitbucket: bitbucketPushPayload };
    const events = { github: 'push', gitea: 'push', gitlab: 'Tag Push Hook', bitbucket: 'repo:push' };
    return parseDelivery(provider, events[provider], payloads[provider]({ ...spec, branch: tag, ref: `refs/tags/${tag}`, ...over }));
  };
  const tagged = { ...app, deployTags: 'v*' };

  it.each(['github', 'gitea', 'gitlab', 'bitbucket'] as const)('%s: reads the tag, and deploys it when deployTags matches', (provider) => {
    const d = tagPush(provider, 'v1.4.2');
    expect(d.pushes[0]).toMatchObject({ branch: null, tag: 'v1.4.2', commit: sha });
    expect(decide(tagged, d)).toEqual({ outcome: 'accepted', reason: 'deployed: tag v1.4.2', commit: sha, tag: 'v1.4.2' });
  });

  it('ignores tags when deployTags is not set or does not match, and deleted tags, saying why', () => {
    expect(decide(app, tagPush('github', 'v1'))).toEqual({
      outcome: 'ignored',
      reason: 'tag: tag pushes do not deploy this application (set deployTags, e.g. v*)',
    });
    expect(decide(tagged, tagPush('github', 'nightly-3'))).toEqual({
      outcome: 'ignored',
      reason: 'tag: nightly-3 does not match the application’s deployTags v*',
    });
    expect(decide({ ...app, deployTags: 'release/**' }, tagPush('github', 'release/2026/12'))).toMatchObject({
      outcome: 'accepted',
      tag: 'release/2026/12',
    });
    const deleted = { ...githubPushPayload({ ...spec, ref: 'refs/tags/v2' }), deleted: true };
    expect(decide(tagged, parseDelivery('github', 'push', deleted))).toEqual({ outcome: 'ignored', reason: 'tag: the tag was deleted' });
    expect(decide(tagged, tagPush('github', 'v3', { message: 'Release [skip deploy]' }))).toMatchObject({
      outcome: 'ignored',
      reason: 'skipped: [skip deploy] in the head commit message',
    });
  });

  it('refuses injection payloads in tag names and commits, never echoing them', () => {
    for (const payload of injectionPayloads('/tmp/pwned')) {
      const d = decide({ ...app, deployTags: '*' }, tagPush('github', `v${payload}`));
      expect(d.outcome).toBe('ignored');
      // An over-long ref reads as no ref at all.
      expect(['tag: the pushed tag name is not a valid tag name', 'branch: not a branch push (a tag or another ref)']).toContain(d.reason);
      expect(decide(tagged, tagPush('github', 'v9', { after: payload.slice(0, 100) })).outcome).toBe('ignored');
    }
  });
});

describe('readPayload', () => {
  const payload = githubPushPayload(spec);

  it('reads JSON, and the form encoding GitHub and Gitea offer', () => {
    expect(readPayload(Buffer.from(JSON.stringify(payload)), 'application/json')).toEqual(payload);
    const form = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    expect(readPayload(Buffer.from(form), 'application/x-www-form-urlencoded')).toEqual(payload);
  });

  it('reads anything else as nothing', () => {
    for (const [body, type] of [
      ['not json', 'application/json'],
      ['', undefined],
      ['payload=%7B', 'application/x-www-form-urlencoded'],
      ['\u0000\u00ff', 'text/plain'],
    ] as const) {
      expect(readPayload(Buffer.from(body), type)).toBeUndefined();
    }
  });
});
