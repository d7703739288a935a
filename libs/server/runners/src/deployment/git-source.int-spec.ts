import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AddressPolicy, generateSshKeyPair, injectionPayloads, loadConfig, quoteShellArg } from '@zpanel/core';
import { type GitFixture, createGitFixture, freePort, testSshArgv, testSshTarget } from '@zpanel/testing';
import {
  GitAuthError,
  type GitCloneSpec,
  GitCommandError,
  GitHostKeyChangedError,
  GitHostUnreachableError,
  GitSourceFetcher,
  GitSpecError,
  gitCloneCommand,
  gitEnvironment,
  gitFetchRefCommand,
  gitTokenEnvironment,
} from './git-source';

describe(GitSourceFetcher.name, () => {
  let repo: GitFixture;
  let root: string;
  let fetcher: GitSourceFetcher;
  let first: string;
  let second: string;

  beforeAll(async () => {
    repo = await createGitFixture('shop');
    first = await repo.commit({ Dockerfile: 'FROM base\n', 'version.txt': 'v1\n' }, 'v1');
    second = await repo.commit({ 'version.txt': 'v2\n' }, 'v2');
  });
  afterAll(async () => {
    await repo.close();
  });
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'zpanel-git-spec-'));
    fetcher = new GitSourceFetcher(new AddressPolicy(loadConfig(process.env).network), root);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const spec = (overrides: Partial<GitCloneSpec> = {}): GitCloneSpec => ({
    url: repo.url,
    branch: repo.branch,
    commit: null,
    deployKey: null,
    hostKey: null,
    token: null,
    ...overrides,
  });
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
        "'ssh' '-o' 'BatchMode=yes' '-o' 'StrictHostKeyChecking=accept-new' '-o' 'UserKnownHostsFile=/tmp/zp-home/known_hosts' '-o' 'HashKnownHosts=no' '-o' 'IdentitiesOnly=yes' '-i' '/tmp/zp-home/deploy_key'",
      );
      expect(env.GIT_TERMINAL_PROMPT).toBe('0');
      const command = gitCloneCommand(spec(), '/tmp/zp-home/repo', env);
      expect(command.argv.slice(0, 9)).toEqual([
        'git',
        '-c',
        'protocol.allow=never',
        '-c',
        'protocol.https.allow=always',
        '-c',
        'protocol.http.allow=always',
        '-c',
        'protocol.ssh.allow=always',
      ]);
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
        attempts.push(
          ['url', payload],
          ['url', `${repo.url}${payload}`],
          ['branch', payload],
          ['branch', `main${payload}`],
          ['commit', payload],
          ['commit', `${first}${payload}`],
        );
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

  describe('a pull request head (previews)', () => {
    let pulled: string;
    let pulledAgain: string;
    beforeAll(async () => {
      pulled = await repo.pullRequest('refs/pull/4/head', { 'version.txt': 'pr4\n' }, 'pr 4');
      pulledAgain = await repo.pullRequest('refs/pull/4/head', { 'version.txt': 'pr4 again\n' }, 'pr 4 again');
    });

    it('fetches refs/pull/<n>/head instead of the branch, and builds its head or exactly the commit asked for', async () => {
      const head = await fetcher.checkout(spec({ ref: 'refs/pull/4/head' }), {}, never);
      expect(head.sha).toBe(pulledAgain);
      expect(await readFile(join(head.dir, 'version.txt'), 'utf8')).toBe('pr4 again\n');
      await head.dispose();
      const earlier = await fetcher.checkout(spec({ ref: 'refs/pull/4/head', commit: pulled }), {}, never);
      expect(await readFile(join(earlier.dir, 'version.txt'), 'utf8')).toBe('pr4\n');
      await earlier.dispose();
      expect(await readdir(root)).toEqual([]);
    });

    it('says so when the commit is not on the pull request, or the pull request has no head', async () => {
      await expect(fetcher.checkout(spec({ ref: 'refs/pull/4/head', commit: 'deadbeefdeadbeef' }), {}, never)).rejects.toMatchObject({
        stderr: 'commit deadbeefdeadbeef is not on refs/pull/4/head',
      });
      await expect(fetcher.checkout(spec({ ref: 'refs/pull/404/head' }), {}, never)).rejects.toThrow(GitCommandError);
      expect(await readdir(root)).toEqual([]);
    });

    it('fetches a pushed tag, annotated or not, and builds the commit it points at', async () => {
      const tagged = await repo.tag('v9.1', { annotated: true });
      const checkout = await fetcher.checkout(spec({ ref: 'refs/tags/v9.1' }), {}, never);
      expect(checkout.sha).toBe(tagged.commit);
      await checkout.dispose();
      const byObject = await fetcher.checkout(spec({ ref: 'refs/tags/v9.1', commit: tagged.object }), {}, never);
      expect(byObject.sha).toBe(tagged.commit);
      await byObject.dispose();
    });

    it('fetches only the pull request ref, as literal arguments after --', () => {
      const command = gitFetchRefCommand(spec({ ref: 'refs/merge-requests/9/head' }), '/tmp/zp-home/repo', {});
      expect(command.argv.slice(-6)).toEqual(['fetch', '--quiet', '--no-tags', '--', repo.url, '+refs/merge-requests/9/head:refs/zpanel/source']);
      expect(command.argv).toContain('protocol.allow=never');
    });

    it('refuses every injection payload and any other ref, and runs nothing', async () => {
      const canary = join(root, 'pwned');
      const payloads = injectionPayloads(canary);
      for (const ref of [
        ...payloads,
        ...payloads.map((p) => `refs/tags/${p}`),
        'refs/heads/main',
        'refs/pull/4/merge',
        '+refs/pull/4/head',
        'refs/pull/4/head:refs/heads/x',
        'refs/tags/v1:refs/heads/x',
        `refs/pull/4/head${payloads[0]}`,
      ]) {
        expect(() => gitFetchRefCommand(spec({ ref }), '/tmp/x', {})).toThrow(GitSpecError);
        const outcome = await fetcher.checkout(spec({ ref }), {}, never).catch((error: unknown) => error);
        expect(outcome).toBeInstanceOf(GitSpecError);
        expect((outcome as GitSpecError).field).toBe('ref');
      }
      expect(existsSync(canary)).toBe(false);
      expect(await readdir(root)).toEqual([]);
    });
  });

  describe('over ssh (the test sshd serves a repository with git-upload-pack)', () => {
    const target = testSshTarget();
    const remoteDir = `/tmp/zp-git-pin-${process.pid}-${Date.now()}`;
    let deployKey: string;
    let url: string;
    let head: string;

    // The test's own ssh to set the repository up; the code under test gets only the URL and the deploy key.
    const onServer = async (command: string) => (await promisify(execFile)('ssh', testSshArgv(target, command))).stdout;

    beforeAll(async () => {
      deployKey = await readFile(target.privateKeyPath, 'utf8');
      url = `ssh://${target.username}@${target.host}:${target.port}${remoteDir}`;
      const dir = quoteShellArg(remoteDir);
      await onServer(
        `git init -q -b main ${dir} && printf 'FROM base\n' > ${dir}/Dockerfile && git -C ${dir} add Dockerfile && git -C ${dir} -c user.name=zpanel -c user.email=t@zpanel.test commit -q -m v1 && git -C ${dir} rev-parse HEAD`,
      ).then((out) => (head = out.trim()));
    });
    afterAll(async () => {
      await onServer(`rm -rf ${quoteShellArg(remoteDir)}`);
    });

    const sshSpec = (hostKey: string | null): GitCloneSpec => ({ url, branch: 'main', commit: null, deployKey, hostKey, token: null });

    it('learns the host key at first use, then clones with only that key pinned', async () => {
      const first = await fetcher.checkout(sshSpec(null), {}, never);
      expect(first.sha).toBe(head);
      const learned = first.learnedHostKey as string;
      expect(learned).toMatch(new RegExp(`^\\[${target.host.replace(/\./g, '\\.')}\\]:${target.port} ssh-`, 'm'));
      await first.dispose();

      const again = await fetcher.checkout(sshSpec(learned), {}, never);
      expect(again.sha).toBe(head);
      expect(again.learnedHostKey).toBeNull();
      await again.dispose();
      expect(await readdir(root)).toEqual([]);
    });

    it('fails with GitHostKeyChangedError when the host shows another key than the pinned one', async () => {
      const impostor = generateSshKeyPair('other').publicKey.split(' ').slice(0, 2).join(' ');
      const pinned = `[${target.host}]:${target.port} ${impostor}`;
      await expect(fetcher.checkout(sshSpec(pinned), {}, never)).rejects.toThrow(GitHostKeyChangedError);
      await expect(fetcher.checkout(sshSpec(pinned), {}, never)).rejects.toThrow(/^the git host's key changed; /);
      expect(await readdir(root)).toEqual([]);
    });

    it('pins with StrictHostKeyChecking=yes and the pinned file only', () => {
      const env = gitEnvironment('/tmp/zp-home', '/tmp/zp-home/deploy_key', true);
      expect(env.GIT_SSH_COMMAND).toContain("'StrictHostKeyChecking=yes' '-o' 'UserKnownHostsFile=/tmp/zp-home/known_hosts'");
    });
  });

  describe('over HTTPS with a token (a repository that wants an Authorization header)', () => {
    const TOKEN = 'glpat-Zp9x_private-token-value';
    let privateRepo: GitFixture;
    let head: string;

    beforeAll(async () => {
      privateRepo = await createGitFixture('private', 'main', {
        authorization: `Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`,
      });
      head = await privateRepo.commit({ Dockerfile: 'FROM base\n' }, 'private');
    });
    afterAll(async () => {
      await privateRepo.close();
    });

    const tokenSpec = (token: string | null): GitCloneSpec => ({
      url: privateRepo.url,
      branch: 'main',
      commit: null,
      deployKey: null,
      hostKey: null,
      token,
    });

    it('clones with the token, which is neither in argv nor in the URL or the checkout', async () => {
      const seen: string[] = [];
      const checkout = await fetcher.checkout(tokenSpec(TOKEN), { onStdout: (t) => seen.push(t), onStderr: (t) => seen.push(t) }, never);
      expect(checkout.sha).toBe(head);
      expect(checkout.learnedHostKey).toBeNull();
      expect(await readFile(join(checkout.dir, '.git', 'config'), 'utf8')).not.toContain(TOKEN);
      expect(seen.join('')).not.toContain(TOKEN);
      await checkout.dispose();

      const env = { ...gitEnvironment('/tmp/zp-home', null), ...gitTokenEnvironment(privateRepo.url, TOKEN) };
      const argv = gitCloneCommand(tokenSpec(TOKEN), '/tmp/zp-home/repo', env).argv.join(' ');
      expect(argv).not.toContain(TOKEN);
      expect(argv).not.toContain(Buffer.from(`x-access-token:${TOKEN}`).toString('base64'));
      // Scoped to the repository's origin: a redirect elsewhere does not carry it.
      expect(env.GIT_CONFIG_KEY_0).toBe(`http.${new URL(privateRepo.url).origin}/.extraHeader`);
    });

    it("keeps the token out of every process's command line while git runs", async () => {
      const cmdlines = async () => {
        const lines: string[] = [];
        for (const pid of await readdir('/proc')) {
          if (!/^\d+$/.test(pid)) continue;
          const line = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
          if (line) lines.push(line.replace(/\0/g, ' '));
        }
        return lines;
      };
      const slowRepo = await createGitFixture('private', 'main', {
        authorization: `Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`,
        delayMs: 150,
      });
      await slowRepo.commit({ Dockerfile: 'FROM base\n' }, 'slow');
      let done = false;
      const seen = new Set<string>();
      const clone = fetcher.checkout({ ...tokenSpec(TOKEN), url: slowRepo.url }, {}, never).finally(() => (done = true));
      while (!done) {
        for (const line of await cmdlines()) if (line.includes(slowRepo.url)) seen.add(line);
      }
      await (await clone).dispose();
      await slowRepo.close();
      // It did watch git at work (clone and its http helper), and none of them carried the token.
      expect([...seen].some((line) => line.startsWith('git '))).toBe(true);
      const base64 = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
      for (const line of seen) {
        expect(line).not.toContain(TOKEN);
        expect(line).not.toContain(base64);
      }
    });

    it('says credentials are needed without a token, and that the token was refused when it is wrong', async () => {
      const missing = await fetcher.checkout(tokenSpec(null), {}, never).catch((error: unknown) => error);
      expect(missing).toBeInstanceOf(GitAuthError);
      expect((missing as Error).message).toMatch(/asks for credentials: set an HTTPS token/);
      const wrong = await fetcher.checkout(tokenSpec('not-the-token'), {}, never).catch((error: unknown) => error);
      expect(wrong).toBeInstanceOf(GitAuthError);
      expect((wrong as Error).message).toMatch(/refused the HTTPS token/);
      expect(await readdir(root)).toEqual([]);
    });

    it('takes user:password as the credentials as given', () => {
      expect(gitTokenEnvironment('https://bitbucket.org/acme/shop.git', 'olive:app-password').GIT_CONFIG_VALUE_0).toBe(
        `Authorization: Basic ${Buffer.from('olive:app-password').toString('base64')}`,
      );
    });
  });
  describe('the address policy, checked on the resolved address right before git runs', () => {
    const ssh = testSshTarget();
    const port = () => new URL(repo.url).port;
    /** A policy whose names resolve only through this table: git could not resolve them itself. */
    const policyWith = (names: Record<string, string[]>, allowLoopback: boolean) =>
      new AddressPolicy(
        { ...loadConfig(process.env).network, allowedCidrs: allowLoopback ? ['127.0.0.0/8'] : [] },
        async (host) => names[host] ?? [],
      );
    const failure = (promise: Promise<unknown>) =>
      promise.then(
        () => new Error('expected a failure'),
        (error: unknown) => error,
      );

    it('refuses a host that resolves to a denied address, with the same reason as a closed port, and runs nothing', async () => {
      const strict = new GitSourceFetcher(policyWith({ 'rebound.zpanel.test': ['169.254.169.254'] }, false), root);
      const stderr: string[] = [];
      const output = { onStderr: (text: string) => stderr.push(text) };
      // The default policy with the system resolver: localhost is loopback.
      const byDefault = new GitSourceFetcher(new AddressPolicy({ ...loadConfig(process.env).network, allowedCidrs: [] }), root);
      const refused = [
        await failure(byDefault.checkout(spec({ url: `http://localhost:${port()}/shop.git` }), output, never)),
        await failure(byDefault.checkout(spec({ url: repo.url }), output, never)),
        await failure(strict.checkout(spec({ url: `http://rebound.zpanel.test:${port()}/shop.git` }), output, never)),
        await failure(strict.checkout(spec({ url: `ssh://${ssh.username}@rebound.zpanel.test:${ssh.port}/tmp/x` }), output, never)),
        // Allowed, but nothing listens there.
        await failure(fetcher.checkout(spec({ url: `http://127.0.0.1:${await freePort()}/shop.git` }), output, never)),
        await failure(fetcher.checkout(spec({ url: `ssh://${ssh.username}@127.0.0.1:${await freePort()}/tmp/x` }), output, never)),
      ];
      for (const error of refused) {
        expect(error).toBeInstanceOf(GitHostUnreachableError);
        expect((error as Error).message).toBe(
          'could not reach the git host: check the repository address, and that the host accepts connections from this instance',
        );
      }
      // Nothing in the log tells the cases apart either.
      expect(stderr).toEqual([]);
      expect(await readdir(root)).toEqual([]);
    });

    it('connects to the address it checked: names that only the policy resolves clone over HTTP and ssh, the host key filed under the name', async () => {
      const pinning = new GitSourceFetcher(policyWith({ 'git.zpanel.test': ['127.0.0.1'] }, true), root);
      const overHttp = await pinning.checkout(spec({ url: `http://git.zpanel.test:${port()}/shop.git` }), {}, never);
      expect(overHttp.sha).toBe(second);
      await overHttp.dispose();

      const remoteDir = `/tmp/zp-git-policy-${process.pid}-${Date.now()}`;
      const sshRun = (command: string) => promisify(execFile)('ssh', testSshArgv(ssh, command));
      const dir = quoteShellArg(remoteDir);
      const head = (
        await sshRun(
          `git init -q -b main ${dir} && printf 'FROM base\n' > ${dir}/Dockerfile && git -C ${dir} add Dockerfile && git -C ${dir} -c user.name=zpanel -c user.email=t@zpanel.test commit -q -m v1 && git -C ${dir} rev-parse HEAD`,
        )
      ).stdout.trim();
      try {
        const sshSpec = (hostKey: string | null) =>
          spec({
            url: `ssh://${ssh.username}@git.zpanel.test:${ssh.port}${remoteDir}`,
            deployKey: readFileSync(ssh.privateKeyPath, 'utf8'),
            hostKey,
          });
        const first = await pinning.checkout(sshSpec(null), {}, never);
        expect(first.sha).toBe(head);
        expect(first.learnedHostKey).toMatch(new RegExp(`^\\[git\\.zpanel\\.test\\]:${ssh.port} ssh-`));
        await first.dispose();
        const again = await pinning.checkout(sshSpec(first.learnedHostKey as string), {}, never);
        expect(again.sha).toBe(head);
        await again.dispose();
      } finally {
        await sshRun(`rm -rf ${dir}`);
      }
    });
  });
});
