import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { injectionPayloads } from '@zpanel/core';
import { type GitFixture, createGitFixture } from '@zpanel/testing';
import { type GitCloneSpec, GitCommandError, GitSourceFetcher, GitSpecError, gitCloneCommand, gitEnvironment } from './git-source';

describe(GitSourceFetcher.name, () => {
  let repo: GitFixture;
  let root: string;
  let fetcher: GitSourceFetcher;
  let first: string;
  let second: string;

  beforeAll(async () => {
    repo = await createGitFixture('shop');
    first = await repo.commit({ 'Dockerfile': 'FROM base\n', 'version.txt': 'v1\n' }, 'v1');
    second = await repo.commit({ 'version.txt': 'v2\n' }, 'v2');
  });
  afterAll(async () => {
    await repo.close();
  });
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'zpanel-git-spec-'));
    fetcher = new GitSourceFetcher(root);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const spec = (overrides: Partial<GitCloneSpec> = {}): GitCloneSpec => ({ url: repo.url, branch: repo.branch, commit: null, deployKey: null, ...overrides });
  const never = new AbortController().signal;

  describe('checkout', () => {
    it('clones the head of the branch over dumb HTTP and reports its full hash', async () => {
      const checkout = await fetcher.checkout(spec(), {}, never);
      expect(checkout.sha).toBe(second);
      expect(await readFile(join(checkout.dir, 'version.txt'), 'utf8')).toBe('v2\n');
      await checkout.dispose();
      expect(await readdir(root)).toEqual([]);
    });

    it('checks out exactly the commit asked for, by short hash too', async () => {
      const checkout = await fetcher.checkout(spec({ commit: first.slice(0, 10) }), {}, never);
      expect(checkout.sha).toBe(first);
      expect(await readFile(join(checkout.dir, 'version.txt'), 'utf8')).toBe('v1\n');
      await checkout.dispose();
    });

    it('says so when the commit is not on the branch, and leaves nothing behind', async () => {
      await expect(fetcher.checkout(spec({ commit: 'deadbeefdeadbeef' }), {}, never)).rejects.toThrow(GitCommandError);
      expect(await readdir(root)).toEqual([]);
    });

    it('writes the deploy key to a 0600 file used only through GIT_SSH_COMMAND', () => {
      const env = gitEnvironment('/tmp/zp-home', '/tmp/zp-home/deploy_key');
      expect(env.GIT_SSH_COMMAND).toBe(
        "'ssh' '-o' 'BatchMode=yes' '-o' 'StrictHostKeyChecking=accept-new' '-o' 'UserKnownHostsFile=/tmp/zp-home/known_hosts' '-o' 'IdentitiesOnly=yes' '-i' '/tmp/zp-home/deploy_key'",
      );
      expect(env.GIT_TERMINAL_PROMPT).toBe('0');
      const command = gitCloneCommand(spec(), '/tmp/zp-home/repo', env);
      expect(command.argv.slice(0, 9)).toEqual(['git', '-c', 'protocol.allow=never', '-c', 'protocol.https.allow=always', '-c', 'protocol.http.allow=always', '-c', 'protocol.ssh.allow=always']);
      expect(command.argv.slice(-3)).toEqual(['--', repo.url, '/tmp/zp-home/repo']);
    });

    it('refuses transports that run commands or read local files', async () => {
      for (const url of ['ext::sh -c touch% /tmp/x', 'file:///etc', '/etc/passwd', `--upload-pack=touch /tmp/x`]) {
        await expect(fetcher.checkout(spec({ url }), {}, never)).rejects.toThrow(GitSpecError);
      }
    });

    it('refuses every injection payload in the URL, branch and commit, and runs nothing', async () => {
      const canary = join(root, 'pwned');
      const attempts: [keyof GitCloneSpec, string][] = [];
      for (const payload of injectionPayloads(canary)) {
        attempts.push(['url', payload], ['url', `${repo.url}${payload}`], ['branch', payload], ['branch', `main${payload}`], ['commit', payload], ['commit', `${first}${payload}`]);
      }
      for (const [field, value] of attempts) {
        const outcome = await fetcher.checkout(spec({ [field]: value }), {}, never).then(
          async (checkout) => {
            await checkout.dispose();
            return 'cloned';
          },
          (error: unknown) => error,
        );
        // Refused by the allowlist before anything ran, naming the field; or, if git did run, only with the value as one literal argument.
        if (outcome instanceof GitSpecError) expect(outcome.field).toBe(field === 'url' ? 'gitUrl' : field === 'branch' ? 'gitBranch' : 'commit');
        else expect(outcome).toBeInstanceOf(GitCommandError);
        expect(existsSync(canary)).toBe(false);
      }
      expect(await readdir(root)).toEqual([]);
    });
  });
});
