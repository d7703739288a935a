import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { APPLICATION_DEFAULTS } from '@zpanel/contracts';
import { AddressPolicy, injectionPayloads, loadConfig, zpanelDockerNames } from '@zpanel/core';
import { type GitFixture, createGitFixture } from '@zpanel/testing';
import { packBuildContext } from './build-context';
import { DeploymentLog, Redactor } from './deployment-log';
import { DeploymentPipeline, type PipelineApplication } from './deployment-pipeline';
import { FakeDeploymentOps, FakeHealthProber } from './fake-deployment-ops';
import { type GitCloneSpec, type GitOutput, GitSourceFetcher, type SourceCheckout, type SourceFetcher } from './git-source';

const names = zpanelDockerNames('zt-links');
const DEPLOYMENT_ID = '44444444-4444-4444-8444-444444444444';

/** `tar -tv` of a stream: one line per entry, links shown as `name -> target`. */
function tarListing(stream: Readable): Promise<{ name: string; type: string; link: string | null; size: number }[]> {
  return new Promise((resolve, reject) => {
    const child = execFile('tar', ['-tvf', '-'], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
      if (error) return reject(error);
      resolve(
        stdout
          .split('\n')
          .filter(Boolean)
          .map((line) => {
            const [mode, , size, , , ...rest] = line.split(/\s+/);
            const [name, link] = rest.join(' ').split(' -> ');
            return { name: name.replace(/^\.\//, '').replace(/\/$/, ''), type: mode[0], link: link ?? null, size: Number(size) };
          }),
      );
    });
    stream.on('error', reject);
    stream.pipe(child.stdin as NodeJS.WritableStream);
  });
}

/**
 * Every case runs on a real clone of a repository holding the links (git stores them as links, and
 * the worker's clone writes them as links), read the way a deployment reads it.
 */
describe('reading a checkout: nothing outside it, links never followed out', () => {
  let repo: GitFixture;
  let root: string;
  let checkout: SourceCheckout;

  beforeAll(async () => {
    repo = await createGitFixture('links');
    await repo.commit(
      {
        Dockerfile: 'FROM base\nCOPY . /app\n',
        'app/Dockerfile': 'FROM base\nCOPY . /app\n',
        'app/index.html': 'hello\n',
        'app/.dockerignore': '# not for the image\nsecret.txt\nlogs\n!logs/keep.log\nDockerfile\n',
        'app/secret.txt': 'do not send\n',
        'app/logs/a.log': 'noise\n',
        'app/logs/keep.log': 'kept\n',
        'app/.git-like/x': 'a directory that is not .git\n',
      },
      'files and links',
      {
        root: '/',
        up: '..',
        'passwd.link': '/etc/passwd',
        chain1: 'chain2',
        chain2: 'chain3',
        chain3: 'root',
        'loop.a': 'loop.b',
        'loop.b': 'loop.a',
        'Linked.Dockerfile': 'Dockerfile',
        appdir: 'app',
        'app/to-etc': '/etc',
        'app/to-hostname': '/etc/hostname',
        'app/to-parent': '../..',
        'app/Inner.Dockerfile': 'Dockerfile',
        'app/Outer.Dockerfile': '../Dockerfile',
        'app/www': '.',
      },
    );
    root = await mkdtemp(join(tmpdir(), 'zpanel-links-spec-'));
    checkout = await new GitSourceFetcher(new AddressPolicy(loadConfig(process.env).network), root).checkout(
      { url: repo.url, branch: repo.branch, commit: null, deployKey: null, hostKey: null, token: null },
      {},
      new AbortController().signal,
    );
  });
  afterAll(async () => {
    await checkout?.dispose();
    await rm(root, { recursive: true, force: true });
    await repo.close();
  });

  /** Hands the pipeline the one real clone, without removing it after the run. */
  class CloneOnce implements SourceFetcher {
    async checkout(_spec: GitCloneSpec, _output: GitOutput): Promise<SourceCheckout> {
      return { ...checkout, dispose: async () => undefined };
    }
  }

  async function deploy(overrides: Partial<PipelineApplication>) {
    const ops = new FakeDeploymentOps();
    const lines: string[] = [];
    const log = new DeploymentLog(
      { store: async (stored) => void lines.push(...stored.map((l) => l.line)), publish: async () => undefined },
      new Redactor([]),
      { batchMs: 1 },
    );
    const pipeline = new DeploymentPipeline({
      names,
      ops,
      source: new CloneOnce(),
      health: new FakeHealthProber(),
      log,
      enterStep: async () => undefined,
      pinGitHostKey: async () => undefined,
      acquireBuildSlot: async () => async () => undefined,
      signal: new AbortController().signal,
      sleep: async () => undefined,
      drainMs: 0,
    });
    const application: PipelineApplication = {
      id: '33333333-3333-4333-8333-333333333333',
      name: 'links',
      buildPack: 'dockerfile',
      gitUrl: repo.url,
      gitBranch: repo.branch,
      dockerfilePath: 'Dockerfile',
      buildTarget: null,
      baseDirectory: '.',
      imageReference: null,
      port: 8080,
      healthCheck: { ...APPLICATION_DEFAULTS.healthCheck, startPeriodSeconds: 0, retries: 1 },
      restartPolicy: 'unless-stopped',
      cpuLimit: null,
      memoryLimitMb: null,
      stopGraceSeconds: 1,
      keepImages: 2,
      ...overrides,
    };
    const result = await pipeline.run({
      deploymentId: DEPLOYMENT_ID,
      application,
      commit: null,
      imageTag: null,
      rollbackImage: null,
      buildArgs: {},
      runtimeEnv: [],
      deployKey: null,
      gitHostKey: null,
      gitToken: null,
    });
    await log.flush();
    return { result, builds: ops.builds, log: lines.join('\n') };
  }

  it.each([
    [
      'a link to / in the base directory',
      { baseDirectory: 'root/etc', dockerfilePath: 'passwd' },
      /^The base directory root\/etc leads outside the repository through a symbolic link/,
    ],
    [
      'a link to the parent (the clone directory, where the deploy key is written)',
      { baseDirectory: 'up', dockerfilePath: 'repo/Dockerfile' },
      /^The base directory up leads outside the repository/,
    ],
    [
      'a chain of links ending at /',
      { baseDirectory: 'chain1/etc', dockerfilePath: 'hostname' },
      /^The base directory chain1\/etc leads outside the repository/,
    ],
    [
      'a Dockerfile linked to an absolute file',
      { dockerfilePath: 'passwd.link' },
      /^The Dockerfile path passwd\.link leads outside the base directory through a symbolic link/,
    ],
    [
      'a Dockerfile path through a link to /',
      { dockerfilePath: 'root/etc/passwd' },
      /^The Dockerfile path root\/etc\/passwd leads outside the base directory/,
    ],
    [
      'a Dockerfile linked out of the base directory (inside the repository)',
      { baseDirectory: 'app', dockerfilePath: 'Outer.Dockerfile' },
      /^The Dockerfile path Outer\.Dockerfile leads outside the base directory/,
    ],
    [
      'a Dockerfile through a link to the parent',
      { baseDirectory: 'app', dockerfilePath: 'to-parent/repo/Dockerfile' },
      /leads outside the base directory/,
    ],
    ['a loop of links', { baseDirectory: 'loop.a' }, /^The base directory loop\.a is a loop of symbolic links\./],
    [
      'a Dockerfile path naming the directory itself',
      { dockerfilePath: '.' },
      /^The Dockerfile path \. names a directory in commit [0-9a-f]{40}, not a file\./,
    ],
  ])('refuses %s with the reason, building nothing', async (_case, settings, reason) => {
    const { result, builds, log } = await deploy(settings);
    expect(result).toMatchObject({ status: 'failed', step: 'source' });
    expect(result.reason).toMatch(reason);
    expect(builds).toEqual([]);
    expect(log).not.toMatch(/root:x:0:0/);
  });

  it('follows links that stay inside: a linked Dockerfile is built as the file it links to, a linked base directory as the directory', async () => {
    const real = await realpath(checkout.dir);
    const linkedDockerfile = await deploy({ dockerfilePath: 'Linked.Dockerfile' });
    expect(linkedDockerfile.result.status).toBe('success');
    expect(linkedDockerfile.builds.map((b) => ({ contextDir: b.contextDir, dockerfile: b.dockerfile }))).toEqual([
      { contextDir: real, dockerfile: 'Dockerfile' },
    ]);

    const linkedContext = await deploy({ baseDirectory: 'appdir', dockerfilePath: 'Inner.Dockerfile' });
    expect(linkedContext.result.status).toBe('success');
    expect(linkedContext.builds.map((b) => ({ contextDir: b.contextDir, dockerfile: b.dockerfile }))).toEqual([
      { contextDir: join(real, 'app'), dockerfile: 'Dockerfile' },
    ]);
  });

  it('refuses every hostile input as the base directory or the Dockerfile path, whatever the API let through, and runs nothing', async () => {
    const canary = join(root, 'pwned');
    const outcomes: string[] = [];
    for (const payload of injectionPayloads(canary)) {
      for (const field of ['baseDirectory', 'dockerfilePath'] as const) {
        const { result, builds } = await deploy({ [field]: payload });
        outcomes.push(
          `${field} ${JSON.stringify(payload.slice(0, 30))}: ${result.status} ${builds.length} builds ${/^(The |No Dockerfile at )/.test(result.reason ?? '') ? 'with a reason' : result.reason}`,
        );
      }
    }
    expect(outcomes.filter((o) => !o.endsWith(': failed 0 builds with a reason'))).toEqual([]);
    expect(existsSync(canary)).toBe(false);
  });

  it('packs links inside the context as links (never their targets), honours .dockerignore, and always sends the Dockerfile and .dockerignore', async () => {
    const context = join(await realpath(checkout.dir), 'app');
    const entries = await tarListing(await packBuildContext(context, 'Dockerfile'));
    const byName = new Map(entries.map((e) => [e.name, e]));
    expect(byName.get('to-etc')).toMatchObject({ type: 'l', link: '/etc', size: 0 });
    expect(byName.get('to-hostname')).toMatchObject({ type: 'l', link: '/etc/hostname', size: 0 });
    expect(byName.get('to-parent')).toMatchObject({ type: 'l', link: '../..' });
    expect(byName.get('www')).toMatchObject({ type: 'l', link: '.' });
    // Nothing below a link: not the host's /etc, not the repository's parent.
    expect(entries.filter((e) => /^(to-etc|to-hostname|to-parent|www)\//.test(e.name))).toEqual([]);
    expect([...byName.keys()].sort()).toEqual(
      [
        '.dockerignore',
        '.git-like',
        '.git-like/x',
        'Dockerfile',
        'Inner.Dockerfile',
        'Outer.Dockerfile',
        'index.html',
        'logs/keep.log',
        'to-etc',
        'to-hostname',
        'to-parent',
        'www',
      ].sort(),
    );
  });

  it('packs the whole checkout without .git, and refuses a context directory reached through a link', async () => {
    const real = await realpath(checkout.dir);
    const entries = await tarListing(await packBuildContext(real, 'Dockerfile'));
    expect(entries.filter((e) => e.name === '.git' || e.name.startsWith('.git/'))).toEqual([]);
    expect(entries.find((e) => e.name === 'root')).toMatchObject({ type: 'l', link: '/' });
    expect(entries.filter((e) => e.name.startsWith('root/') || e.name.startsWith('up/') || e.name.startsWith('chain1/'))).toEqual([]);
    await expect(packBuildContext(join(real, 'appdir'), 'Dockerfile')).rejects.toThrow(/not a canonical directory/);
    await expect(packBuildContext(join(real, 'root', 'etc'), 'passwd')).rejects.toThrow(/not a canonical directory/);
  });
});
