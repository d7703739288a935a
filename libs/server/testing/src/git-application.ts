import type { ApplicationDto, CreateApplicationRequest, ServerDto } from '@zpanel/contracts';
import { type OwnerCall, createApplication, readyTestServer } from './deploy-fixture';
import { type GitFixture, createGitFixture } from './git-fixture';
import type { OwnedStack } from './owned-stack';

/** What useGitApplication gives a describe block's tests once its beforeAll ran. */
export interface GitApplication {
  /** The repository the application builds from (its branch `main`). */
  readonly repo: GitFixture;
  /** The first commit: the `files` given. */
  readonly head: string;
  /** The test server, validated and ready. */
  readonly server: ServerDto;
  readonly app: ApplicationDto;
}

/** An application's settings: a Dockerfile build of the repository's branch, on port 8080, unless they say otherwise. */
export type GitApplicationSettings = Partial<Omit<CreateApplicationRequest, 'environmentId' | 'serverId'>> & { name: string };

/** A health check that passes (or gives up) quickly: an HTTP GET of `/` every second, from the start. */
export const QUICK_HTTP_HEALTH_CHECK = { type: 'http', path: '/', startPeriodSeconds: 0, intervalSeconds: 1, retries: 15 } as const;

/**
 * A git repository named `repository` with `files` committed, and an application on `serverId` that
 * builds from it (see GitApplicationSettings); the repository is closed again when the application
 * cannot be made. The caller closes it after use.
 */
export async function createGitApplication(
  asOwner: OwnerCall,
  serverId: string,
  repository: string,
  files: Record<string, string>,
  settings: GitApplicationSettings,
): Promise<Omit<GitApplication, 'server'>> {
  const repo = await createGitFixture(repository);
  try {
    const head = await repo.commit(files, 'first');
    const app = await createApplication(asOwner, serverId, {
      buildPack: 'dockerfile',
      gitUrl: repo.url,
      gitBranch: repo.branch,
      port: 8080,
      ...settings,
    });
    return { repo, head, app };
  } catch (error) {
    await repo.close();
    throw error;
  }
}

/**
 * For a describe block, after the block's useOwnedStack({ worker: true }) (or a browser suite's
 * stack with a worker and its owner): a git repository named
 * `repository` with `files` committed, the test server ready, and an application on it that builds
 * from the repository. The repository's server is closed after the block. Read the fields inside
 * hooks and tests only.
 */
export function useGitApplication(
  suite: Pick<OwnedStack, 'asOwner'>,
  repository: string,
  files: Record<string, string>,
  /** A function when they depend on the stack (a domain under its namespace). */
  settings: GitApplicationSettings | (() => GitApplicationSettings),
): GitApplication {
  let made: GitApplication | undefined;
  beforeAll(async () => {
    const server = await readyTestServer(suite.asOwner);
    const app = await createGitApplication(suite.asOwner, server.id, repository, files, typeof settings === 'function' ? settings() : settings);
    made = { ...app, server };
    // Validating the test server alone may take a minute on a loaded machine.
  }, 90_000);
  afterAll(() => made?.repo.close());
  const current = () => {
    if (!made) throw new Error('the application was not set up (see the beforeAll error)');
    return made;
  };
  return {
    get repo() {
      return current().repo;
    },
    get head() {
      return current().head;
    },
    get server() {
      return current().server;
    },
    get app() {
      return current().app;
    },
  };
}
