import { randomBytes } from 'node:crypto';
import type { CreateDatabaseResponse, CreateOwnerRequest, DatabaseDto, ProjectDto } from '@zpanel/contracts';
import {
  DATABASE_APP_ROWS_PATH,
  QUICK_HTTP_HEALTH_CHECK,
  createGitApplication,
  databaseAppFiles,
  databaseAppRows,
  getThroughProxy,
  proxyAnswer,
  readyTestServer,
} from '@zpanel/testing';
import type { Page } from 'playwright-core';
import { signIn } from './support/auth';
import { describeProblems, inFreshContext } from './support/browser';
import { eventually } from './support/eventually';
import { expectPageTitle, textOf } from './support/page-text';
import { SIGNED_OUT_REFRESH, useOwner, useStackAndBrowser } from './support/stack-and-browser';

const OWNER: CreateOwnerRequest = {
  email: 'dora@example.com',
  name: 'Dora Databases',
  password: 'correct horse battery staple',
  teamName: 'Platform',
};

/** Pulling nothing (the image is local), the engine's first start and its readiness probe: generous on 2 cores. */
const CREATE_TIMEOUT_MS = 120_000;
/** A build, a health check and a switch: generous on 2 cores. */
const DEPLOY_TIMEOUT_MS = 150_000;

/** Deploys the open application from its overview, confirmed, and waits on its live log until it ended; gives how. */
async function deployFromOverview(page: Page, application: string): Promise<string> {
  await page.getByRole('navigation', { name: 'Application sections' }).getByRole('link', { name: 'Overview' }).click();
  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  await page
    .getByRole('dialog', { name: `Deploy ${application}?` })
    .getByRole('button', { name: 'Deploy', exact: true })
    .click();
  await page.getByTestId('deployment-log').waitFor();
  return eventually(
    async () => {
      const value = await page.getByTestId('deployment-log-status').getAttribute('data-status', { timeout: 2_000 });
      expect(['success', 'failed', 'cancelled', 'superseded']).toContain(value);
      return value as string;
    },
    DEPLOY_TIMEOUT_MS,
    250,
  );
}

describe('Databases in the browser', () => {
  const running = useStackAndBrowser({ worker: true });
  const { asOwner } = useOwner(running, OWNER);
  let project: ProjectDto;

  beforeAll(async () => {
    // Registering a server in the UI has its own test (servers.e2e-spec.ts).
    await readyTestServer(asOwner);
    project = (await asOwner<ProjectDto>('POST', '/api/v1/projects', { name: 'Shop' })).body;
  }, 90_000);

  it('creates a PostgreSQL database from the project page, sees it become running, reveals its credentials, stops and starts it and follows its logs', async () => {
    const { stack, browser } = running();
    await inFreshContext(browser, { baseURL: stack.baseUrl, testName: 'databases: create, running, reveal' }, async ({ page, problems }) => {
      page.context().setDefaultTimeout(10_000);
      await signIn(page, OWNER);
      await page.goto(`/projects/${project.id}`);
      await expectPageTitle(page, 'Shop');

      // From the environment's empty state.
      const databases = page.getByRole('region', { name: 'Databases' });
      await databases.getByTestId('databases-empty').getByRole('button', { name: 'New database' }).click();
      const dialog = page.getByRole('dialog', { name: 'New database' });
      expect(await dialog.getByRole('radio', { name: /PostgreSQL/ }).isChecked()).toBe(true);
      expect(await dialog.getByLabel('Image', { exact: true }).inputValue()).toBe('postgres:17');
      await dialog.getByLabel('Image', { exact: true }).fill('zpanel-test/postgres:15');
      await dialog.getByLabel('Name', { exact: true }).fill('main-db');
      // The team's only server is chosen for it.
      await eventually(async () => expect(await dialog.getByLabel('Server', { exact: true }).inputValue()).not.toBe(''));
      await dialog.getByRole('button', { name: 'Create database' }).click();

      // Its page opens while the worker creates it, and follows it until it accepts connections.
      await expectPageTitle(page, 'main-db');
      const databaseId = new URL(page.url()).pathname.split('/')[2];
      const status = page.getByTestId('database-status');
      await eventually(async () => expect(await status.getAttribute('data-status')).toBe('running'), CREATE_TIMEOUT_MS, 500);
      expect(await textOf(status)).toBe('Running');
      await eventually(async () => expect(await page.getByTestId('database-operation-status').getAttribute('data-status')).toBe('success'));
      expect(await textOf(page.getByTestId('database-internal-url'))).toContain(':••••••••@');

      await page.getByRole('button', { name: 'Reveal' }).click();
      const password = await eventually(async () => {
        const shown = await textOf(page.getByTestId('database-password'));
        expect(shown).toMatch(/^[A-Za-z0-9]{32,128}$/);
        return shown;
      });
      const internalUrl = await textOf(page.getByTestId('database-internal-url'));
      expect(internalUrl).toMatch(/^postgresql:\/\/main_db:/);
      expect(internalUrl).toContain(`:${password}@`);
      const credentials = await asOwner<{ password: string }>('GET', `/api/v1/databases/${databaseId}/credentials`);
      expect(credentials.body.password).toBe(password);

      await page.getByRole('button', { name: 'Hide' }).click();
      await eventually(async () => expect(await page.getByTestId('database-password').count()).toBe(0));

      // Stopped after asking, and started again, each as an operation whose end the page follows.
      const actions = page.getByTestId('database-actions');
      await actions.getByRole('button', { name: 'Stop', exact: true }).click();
      const stop = page.getByRole('dialog', { name: 'Stop main-db?' });
      await stop.getByRole('button', { name: 'Stop database' }).click();
      await stop.waitFor({ state: 'detached' });
      await eventually(async () => expect(await status.getAttribute('data-status')).toBe('stopped'), 60_000, 250);
      await actions.getByRole('button', { name: 'Start', exact: true }).click();
      await eventually(async () => expect(await status.getAttribute('data-status')).toBe('running'), CREATE_TIMEOUT_MS, 250);
      await eventually(async () => expect(await textOf(page.getByTestId('database-operation'))).toMatch(/^Start/));

      // The container's own output, followed live.
      await page.getByRole('navigation', { name: 'Database sections' }).getByRole('link', { name: 'Logs' }).click();
      const logs = page.getByTestId('container-logs');
      await eventually(async () => expect(await textOf(logs.getByTestId('container-logs-status'))).toBe('Following'), 20_000);
      await eventually(async () => expect(await logs.getByTestId('container-log-lines').locator('[data-stream]').count()).toBeGreaterThan(0), 20_000);

      // Back on the project page, it is listed beside the applications.
      await page.goto(`/projects/${project.id}`);
      const row = databases.getByTestId('database-main-db');
      await eventually(async () => expect(await textOf(row.getByTestId('database-status'))).toBe('Running'));

      expect(describeProblems(problems, [SIGNED_OUT_REFRESH])).toEqual([]);
    });
  }, 180_000);

  it('links a database to an application, which reads and writes it once deployed; a rotated password asks for a redeploy, after which it reads again', async () => {
    const { stack, browser } = running();
    const domain = `reader-${randomBytes(4).toString('hex')}.databases.test`;
    const server = (await asOwner<{ items: { id: string }[] }>('GET', '/api/v1/servers')).body.items[0];
    // Creating either in the UI has its own test (above, and deployments.e2e-spec.ts).
    const { repo, app } = await createGitApplication(asOwner, server.id, 'linked-reader', databaseAppFiles('v1'), {
      name: 'reader',
      domains: [domain],
      healthCheck: QUICK_HTTP_HEALTH_CHECK,
      stopGraceSeconds: 1,
    });
    try {
      const created = await asOwner<CreateDatabaseResponse>('POST', '/api/v1/databases', {
        environmentId: app.environmentId,
        serverId: server.id,
        name: 'orders-db',
        engine: 'postgresql',
        image: 'zpanel-test/postgres:15',
      });
      expect(created.status).toBe(202);
      const databaseId = created.body.database.id;
      await eventually(
        async () => expect((await asOwner<DatabaseDto>('GET', `/api/v1/databases/${databaseId}`)).body.status).toBe('running'),
        CREATE_TIMEOUT_MS,
        500,
      );
      const rows = () => getThroughProxy(stack.proxyHttpPort, domain, DATABASE_APP_ROWS_PATH);

      await inFreshContext(browser, { baseURL: stack.baseUrl, testName: 'databases: link, deploy, rotate' }, async ({ page, problems }) => {
        page.context().setDefaultTimeout(10_000);
        await signIn(page, OWNER);
        await page.goto(`/applications/${app.id}/environment`);

        // The environment's only database and DATABASE_URL are offered first: the reference is what is saved.
        const variables = page.getByRole('region', { name: 'Environment variables' });
        await variables.getByRole('button', { name: 'Link database' }).click();
        const form = page.getByRole('form', { name: 'Link a database' });
        expect(await textOf(form.getByTestId('link-database-value'))).toBe('${{ orders-db.DATABASE_URL }}');
        expect(await form.getByLabel('Variable name').inputValue()).toBe('DATABASE_URL');
        await form.getByRole('button', { name: 'Add variable' }).click();
        await eventually(async () =>
          expect(await textOf(variables.getByTestId('env-var-DATABASE_URL').getByTestId('env-var-references'))).toBe(
            'linked: orders-db.DATABASE_URL',
          ),
        );

        expect(await deployFromOverview(page, 'reader')).toBe('success');
        expect(await proxyAnswer(stack.proxyHttpPort, domain, { path: DATABASE_APP_ROWS_PATH, timeoutMs: 30_000 })).toEqual({
          status: 200,
          body: databaseAppRows('v1'),
        });

        // A rotation from the database's page: the running application keeps the old password, and its page says to deploy again.
        await page.goto(`/databases/${databaseId}`);
        await expectPageTitle(page, 'orders-db');
        await page.getByTestId('database-actions').getByRole('button', { name: 'Rotate password' }).click();
        await page.getByRole('dialog', { name: 'Rotate the password of orders-db?' }).getByRole('button', { name: 'Rotate password' }).click();
        const latest = page.getByTestId('database-operation');
        await eventually(
          async () => {
            expect(await textOf(latest)).toContain('Rotate password');
            expect(await latest.getByTestId('database-operation-status').getAttribute('data-status')).toBe('success');
          },
          60_000,
          250,
        );
        expect((await rows()).status).toBe(503);

        await page.goto(`/applications/${app.id}`);
        await expectPageTitle(page, 'reader');
        await eventually(async () => expect(await textOf(page.getByTestId('pending-redeploy'))).toContain('was rotated'));
        await repo.commit({ 'www/version': 'v2' }, 'v2');
        expect(await deployFromOverview(page, 'reader')).toBe('success');
        expect(await rows()).toEqual({ status: 200, body: databaseAppRows('v1', 'v2') });
        await page.getByRole('navigation', { name: 'Application sections' }).getByRole('link', { name: 'Overview' }).click();
        await expectPageTitle(page, 'reader');
        await eventually(async () => expect(await page.getByTestId('pending-redeploy').count()).toBe(0));

        expect(describeProblems(problems, [SIGNED_OUT_REFRESH])).toEqual([]);
      });
    } finally {
      await repo.close();
    }
  }, 420_000);
});
