import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, sep } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const GIT_ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: tmpdir(),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Zpanel Test',
  GIT_AUTHOR_EMAIL: 'test@zpanel.invalid',
  GIT_COMMITTER_NAME: 'Zpanel Test',
  GIT_COMMITTER_EMAIL: 'test@zpanel.invalid',
};

/**
 * A git repository the test owns, served over git's "dumb" HTTP protocol (a bare repository after
 * `git update-server-info`, read by a tiny static server on 127.0.0.1): what a deployment clones.
 */
export interface GitFixture {
  /** http://127.0.0.1:<port>/<name>.git */
  url: string;
  branch: string;
  /**
   * Commits the files (path -> content) and symbolic links (path -> link target, as written, e.g.
   * `/` or `../..`) on top of the branch; resolves to the new commit's hash.
   */
  commit(files: Record<string, string>, message?: string, links?: Record<string, string>): Promise<string>;
  /**
   * Commits the files on a side line of history (started from the branch, which does not move) and
   * publishes it as `ref` (e.g. `refs/pull/3/head`), as a provider does with a pull request's head;
   * later calls for the same ref add commits on top. Resolves to the new commit's hash.
   */
  pullRequest(ref: string, files: Record<string, string>, message?: string): Promise<string>;
  /** Tags the branch head (annotated: a tag object, as `git tag -a` makes) and publishes it; `object` is what the ref points at. */
  tag(name: string, options?: { annotated?: boolean }): Promise<{ commit: string; object: string }>;
  close(): Promise<void>;
}

export interface GitFixtureOptions {
  /** Serve only requests carrying exactly this Authorization header (401 with a Basic challenge otherwise), like a private HTTPS repository. */
  authorization?: string;
  /** Answer each request this much later: keeps git running long enough for a test to watch its processes. */
  delayMs?: number;
}

export async function createGitFixture(name = 'app', branch = 'main', options: GitFixtureOptions = {}): Promise<GitFixture> {
  const root = await mkdtemp(join(tmpdir(), 'zpanel-git-'));
  const bare = join(root, 'served', `${name}.git`);
  const work = join(root, 'work');
  const git = (cwd: string, ...args: string[]) => run('git', args, { cwd, env: GIT_ENV }).then((r) => r.stdout.trim());
  await mkdir(dirname(bare), { recursive: true });
  await git(root, 'init', '--quiet', '--bare', bare);
  await git(root, 'init', '--quiet', '-b', branch, work);
  await git(work, 'remote', 'add', 'origin', bare);

  const served = normalize(join(root, 'served'));
  const server: Server = createServer(async (request, response) => {
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    if (options.authorization !== undefined && request.headers.authorization !== options.authorization) {
      response.writeHead(401, { 'www-authenticate': 'Basic realm="private"' }).end();
      return;
    }
    const path = normalize(join(served, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)));
    if (!path.startsWith(served + sep)) {
      response.writeHead(404).end();
      return;
    }
    stat(path).then(
      (info) => {
        if (!info.isFile()) return void response.writeHead(404).end();
        response.writeHead(200, { 'content-length': info.size });
        createReadStream(path).pipe(response);
      },
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}/${name}.git`,
    branch,
    async commit(files, message = 'change', links = {}) {
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(work, path)), { recursive: true });
        await writeFile(join(work, path), content);
      }
      for (const [path, target] of Object.entries(links)) {
        await mkdir(dirname(join(work, path)), { recursive: true });
        await rm(join(work, path), { force: true });
        await symlink(target, join(work, path));
      }
      await git(work, 'add', '--all');
      await git(work, 'commit', '--quiet', '-m', message);
      await git(work, 'push', '--quiet', 'origin', branch);
      await git(bare, 'update-server-info');
      return git(work, 'rev-parse', 'HEAD');
    },
    async pullRequest(ref, files, message = 'pull request change') {
      const side = `side-${ref.replace(/[^A-Za-z0-9]+/g, '-')}`;
      const exists = (await git(work, 'branch', '--list', side)) !== '';
      await git(work, 'checkout', '--quiet', ...(exists ? [side] : ['-b', side, branch]));
      try {
        for (const [path, content] of Object.entries(files)) {
          await mkdir(dirname(join(work, path)), { recursive: true });
          await writeFile(join(work, path), content);
        }
        await git(work, 'add', '--all');
        await git(work, 'commit', '--quiet', '-m', message);
        await git(work, 'push', '--quiet', '--force', 'origin', `HEAD:${ref}`);
        await git(bare, 'update-server-info');
        return await git(work, 'rev-parse', 'HEAD');
      } finally {
        await git(work, 'checkout', '--quiet', branch);
      }
    },
    async tag(name, options = {}) {
      await git(work, 'tag', ...(options.annotated ? ['-a', '-m', `release ${name}`] : []), name);
      await git(work, 'push', '--quiet', 'origin', `refs/tags/${name}`);
      await git(bare, 'update-server-info');
      return { commit: await git(work, 'rev-parse', `${name}^{commit}`), object: await git(work, 'rev-parse', name) };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}
