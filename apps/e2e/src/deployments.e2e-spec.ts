import { randomBytes, randomUUID } from 'node:crypto';
import type { CreateOwnerRequest } from '@zpanel/contracts';
import { type GitFixture, allLogLines, createApplication, createGitFixture, proxyAnswer, readyTestServer, sampleAppFiles } from '@zpanel/testing';
import type { Page } from 'playwright-core';
import { signIn } from './support/auth';
import { describeProblems, inFreshContext } from './support/browser';
import { eventually } from './support/eventually';
import { expectPageTitle, textOf } from './support/page-text';
import { SIGNED_OUT_REFRESH, useOwner, useStackAndBrowser } from './support/stack-and-browser';

const OWNER: CreateOwnerRequest = {
  email: 'dana@example.com',
  name: 'Dana Deploys',
  password: 'correct horse battery staple',
  teamName: 'Platform',
};

/** Builds, health checks and switches of a real deployment: generous, the machine has 2 cores. */
const DEPLOY_TIMEOUT_MS = 150_000;

/** Waits on the open deployment page until its live log says the deployment ended, and returns how. */
async function liveOutcome(page: Page): Promise<string> {
  const status = page.getByTestId('deployment-log-status');
  return eventually(
    async () => {
      const value = await status.getAttribute('data-status', { timeout: 2_000 });
      expect(['success', 'failed', 'cancelled', 'superseded']).toContain(value);
      return value as string;
    },
    DEPLOY_TIMEOUT_MS,
    250,
  );
}

const LINES = 50_000;
/** Makes the printing step this run's own: a cached step prints nothing. */
const NONCE = randomUUID();
/** 50,000 numbered lines from one RUN step (busybox sh). */
const PRINT_STEP = `RUN echo "printing ${NONCE}" && i=1 && while [ $i -le ${LINES} ]; do echo "line $i of ${LINES}"; i=$((i + 1)); done`;

/** Height of a log row (the viewer's LOG_ROW_HEIGHT). */
const ROW_HEIGHT = 18;

/**
 * Scrolls the log viewer from top to bottom and collects every row it mounts on the way (seq and
 * text, by position): the viewer mounts only a window, so this is how a test reads the whole log.
 */
function readWholeLog(page: Page): Promise<[number, string][]> {
  return page.evaluate(async (rowHeight) => {
    const list = document.querySelector<HTMLElement>('[data-testid="deployment-log-lines"]');
    if (!list) throw new Error('no log viewer on the page');
    // By position in the list (not by seq), so lines held out of order would show as such.
    const rows = new Map<number, [number, string]>();
    const painted = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    // The window holds about a screenful plus 20 rows either side: a screenful plus 20 is a safe step.
    const step = (Math.floor(list.clientHeight / rowHeight) + 20) * rowHeight;
    list.scrollTop = 0;
    await painted();
    for (;;) {
      const top = (list.firstElementChild as HTMLElement).getBoundingClientRect().top;
      for (const row of list.querySelectorAll<HTMLElement>('[data-seq]')) {
        const index = Math.round((row.getBoundingClientRect().top - top) / rowHeight);
        rows.set(index, [Number(row.dataset.seq), row.querySelector('.log-line__text')?.textContent ?? '']);
      }
      if (list.scrollTop + list.clientHeight >= list.scrollHeight - 1) break;
      list.scrollTop += step;
      await painted();
    }
    return [...rows.entries()].sort(([a], [b]) => a - b).map(([, row]) => row);
  }, ROW_HEIGHT);
}

/** The text of the log rows the viewer has mounted (a window of the log), in order. */
const shownLogLines = (page: Page) => page.getByTestId('deployment-log-lines').locator('.log-line__text').allTextContents();

describe('Deployments in the browser', () => {
  const running = useStackAndBrowser({ worker: true });
  const domain = `sample-${randomBytes(3).toString('hex')}.ui-e2e.test`;
  const { asOwner } = useOwner(running, OWNER);
  let repo: GitFixture;

  beforeAll(async () => {
    repo = await createGitFixture('sample');
    await repo.commit(sampleAppFiles('v1'), 'v1');
    // Registering a server in the UI has its own test (servers.e2e-spec.ts).
    await readyTestServer(asOwner);
  }, 90_000);

  afterAll(async () => {
    await repo?.close();
  });

  /** What the application's domain answers through the server's proxy, once it answers `expected`. */
  const appAnswers = (expected: string) => proxyAnswer(running().stack.proxyHttpPort, domain, { body: expected, timeoutMs: 30_000 });

  it('creates a project and an application, deploys it with the log live to success, serves it on its domain, redeploys and rolls back', async () => {
    const { stack, browser } = running();
    await inFreshContext(browser, { baseURL: stack.baseUrl, testName: 'deployments: create, deploy, roll back' }, async ({ page, problems }) => {
      page.context().setDefaultTimeout(10_000);
      await signIn(page, OWNER);

      // A project, from the empty state.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projects' }).click();
      await expectPageTitle(page, 'Projects');
      await page.getByRole('button', { name: 'Create your first project' }).click();
      const dialog = page.getByRole('dialog', { name: 'Create project' });
      await dialog.getByLabel('Name', { exact: true }).fill('Shop');
      await dialog.getByRole('button', { name: 'Create project' }).click();
      await expectPageTitle(page, 'Shop');
      expect(await page.getByRole('tab', { name: /production/ }).getAttribute('aria-selected')).toBe('true');

      // An application in its production environment, built from the test's git repository.
      await page.getByRole('link', { name: 'New application' }).click();
      await expectPageTitle(page, 'New application');
      const form = page.getByRole('form', { name: 'New application' });
      await eventually(async () => expect(await form.getByLabel('Server', { exact: true }).inputValue()).not.toBe(''));
      await form.getByLabel('Name', { exact: true }).fill('sample');
      await form.getByLabel('Git repository URL').fill(repo.url);
      await form.getByLabel('Branch', { exact: true }).fill(repo.branch);
      await form.getByLabel('Port', { exact: true }).fill('8080');
      await form.getByRole('textbox', { name: 'Domains (optional)' }).fill(domain);
      await form.getByLabel('HTTP: a path answers 2xx or 3xx').check();
      await form.getByLabel('Path', { exact: true }).fill('/');
      await form.getByLabel('Start period (s)').fill('0');
      await form.getByLabel('Interval (s)').fill('1');
      await form.getByLabel('Retries').fill('15');
      await form.getByRole('button', { name: 'Create application' }).click();
      await expectPageTitle(page, 'sample');
      await eventually(async () => expect(await textOf(page.getByTestId('latest-deployment'))).toContain('Never deployed'));
      expect(await page.getByTestId('application-urls').getByRole('link').getAttribute('href')).toBe(`http://${domain}`);

      // Deploy: confirmed, then the live log to success.
      await page.getByRole('button', { name: 'Deploy', exact: true }).click();
      await page.getByRole('dialog', { name: 'Deploy sample?' }).getByRole('button', { name: 'Deploy', exact: true }).click();
      await page.getByTestId('deployment-log').waitFor();
      expect(await liveOutcome(page)).toBe('success');
      expect(await textOf(page.getByTestId('deployment-log-step'))).toBe('Done');
      const firstLog = (await shownLogLines(page)).join('\n');
      expect(firstLog).toMatch(/==> /);
      const firstUrl = page.url();
      expect(await appAnswers('v1')).toEqual({ status: 200, body: 'v1' });

      // A change, deployed the same way.
      await repo.commit({ 'www/index.html': 'v2' }, 'v2');
      await page.getByRole('navigation', { name: 'Application sections' }).getByRole('link', { name: 'Overview' }).click();
      await page.getByRole('button', { name: 'Deploy', exact: true }).click();
      await page.getByRole('dialog', { name: 'Deploy sample?' }).getByRole('button', { name: 'Deploy', exact: true }).click();
      await eventually(() => expect(page.url()).toMatch(/\/deployments\/[0-9a-f-]{36}$/));
      expect(page.url()).not.toBe(firstUrl);
      expect(await liveOutcome(page)).toBe('success');
      expect(await appAnswers('v2')).toEqual({ status: 200, body: 'v2' });

      // Roll back to the first deployment from the list: no build, and v1 answers again.
      await page.getByRole('navigation', { name: 'Application sections' }).getByRole('link', { name: 'Deployments' }).click();
      // The log page's address ends with the deployment's id.
      const firstId = new URL(firstUrl).pathname.split('/').at(-1);
      const row = page.getByTestId(`deployment-${firstId}`);
      await eventually(async () => expect(await textOf(row)).toContain('Success'));
      await row.getByRole('button', { name: 'Roll back' }).click();
      await page.getByRole('dialog', { name: 'Roll back to this deployment?' }).getByRole('button', { name: 'Roll back' }).click();
      await eventually(async () => expect(await textOf(page.getByTestId('deployment-summary'))).toContain('Rollback'));
      expect(await liveOutcome(page)).toBe('success');
      const rollbackLog = (await shownLogLines(page)).join('\n');
      expect(rollbackLog).toContain('no clone, no build');
      expect(rollbackLog).not.toMatch(/==> Building|==> Cloning/);
      expect(await appAnswers('v1')).toEqual({ status: 200, body: 'v1' });

      // The list shows all three, newest first, the rollback on top.
      await page.getByRole('link', { name: '← All deployments' }).click();
      await eventually(async () => expect(await page.getByTestId('deployments-table').locator('tbody tr').count()).toBe(3));
      expect(await textOf(page.getByTestId('deployments-table').locator('tbody tr').first())).toContain('Rollback');

      expect(describeProblems(problems, [SIGNED_OUT_REFRESH])).toEqual([]);
    });
  }, 480_000);

  it('streams a 50,000-line build log into the page complete and in order', async () => {
    const { stack, browser } = running();
    const bigRepo = await createGitFixture('big-log');
    try {
      await bigRepo.commit(sampleAppFiles('big', [PRINT_STEP]), 'prints 50,000 lines');
      const server = (await asOwner<{ items: { id: string }[] }>('GET', '/api/v1/servers')).body.items[0];
      const app = await createApplication(asOwner, server.id, {
        name: 'big-log',
        buildPack: 'dockerfile',
        gitUrl: bigRepo.url,
        gitBranch: bigRepo.branch,
        port: 8080,
        healthCheck: { type: 'tcp', startPeriodSeconds: 0, intervalSeconds: 1, retries: 15 },
        stopGraceSeconds: 1,
      });

      await inFreshContext(browser, { baseURL: stack.baseUrl, testName: 'deployments: 50,000-line log' }, async ({ page, problems }) => {
        page.context().setDefaultTimeout(10_000);
        await signIn(page, OWNER, `/applications/${app.id}`);
        await expectPageTitle(page, 'big-log');
        await page.getByRole('button', { name: 'Deploy', exact: true }).click();
        await page.getByRole('dialog', { name: 'Deploy big-log?' }).getByRole('button', { name: 'Deploy', exact: true }).click();
        await page.getByTestId('deployment-log').waitFor();
        // Watched live from the start, following the end as it grows.
        await eventually(
          async () => expect(Number((await textOf(page.getByTestId('deployment-log-count'))).replace(/\D/g, ''))).toBeGreaterThan(1_000),
          120_000,
          250,
        );
        expect(await liveOutcome(page)).toBe('success');

        const deploymentId = new URL(page.url()).pathname.split('/').at(-1) as string;
        const stored = await allLogLines(asOwner, deploymentId);
        await eventually(
          async () => expect(await textOf(page.getByTestId('deployment-log-count'))).toBe(`${stored.length.toLocaleString('en')} lines`),
          20_000,
        );
        // The DOM holds a window of rows, not the log.
        expect(await page.getByTestId('deployment-log-lines').locator('[data-seq]').count()).toBeLessThan(200);

        const shown = await readWholeLog(page);
        expect(shown.map(([seq]) => seq)).toEqual(stored.map((line) => line.seq));
        expect(shown.map(([, text]) => text)).toEqual(stored.map((line) => line.line));
        const printed = shown.map(([, text]) => text).filter((text) => /^line \d+ of /.test(text));
        expect(printed).toEqual(Array.from({ length: LINES }, (_, i) => `line ${i + 1} of ${LINES}`));

        expect(describeProblems(problems, [SIGNED_OUT_REFRESH])).toEqual([]);
      });
    } finally {
      await bigRepo.close();
    }
  }, 480_000);
});
