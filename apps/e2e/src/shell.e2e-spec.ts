import { hostname } from 'node:os';
import { ErrorCode, PROBLEM_CONTENT_TYPE, type SystemStatus } from '@zpanel/contracts';
import { startStack, type Stack } from '@zpanel/testing';
import type { Browser, Locator, Page, WebSocket } from 'playwright-core';
import { describeProblems, inFreshContext, launchChromium, type BrowserSession } from './support/browser';
import { eventually } from './support/eventually';

/** The visible text of `locator`, failing fast (inside `eventually`) while it is not rendered yet. */
async function textOf(locator: Locator): Promise<string> {
  return (await locator.textContent({ timeout: 2_000 })) ?? '';
}

/** This machine's hostname, as the worker reports it, for use inside a RegExp. */
const HOST_PATTERN = hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function expectApiReady(page: Page): Promise<void> {
  await eventually(async () => expect(await textOf(page.getByTestId('api-status'))).toBe('API ready'));
}

async function expectSocketConnected(page: Page): Promise<void> {
  await eventually(async () =>
    expect(await page.getByTestId('socket-status').getAttribute('title', { timeout: 2_000 })).toBe('Live updates: connected'),
  );
}

async function expectPageTitle(page: Page, title: string): Promise<void> {
  await eventually(async () => expect(await textOf(page.getByTestId('page-title'))).toBe(title));
}

describe('Zpanel in the browser', () => {
  let stack: Stack | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    const [started, launched] = await Promise.allSettled([startStack({ worker: true }), launchChromium()]);
    if (started.status === 'fulfilled') stack = started.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    if (started.status === 'rejected') throw started.reason;
    if (launched.status === 'rejected') throw launched.reason;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  function running(): { stack: Stack; browser: Browser } {
    if (!stack || !browser) throw new Error('the stack or the browser did not start (see beforeAll)');
    return { stack, browser };
  }

  /**
   * A browser test in a fresh context (own storage, dark system theme). Whatever it does, it must
   * leave no console error, uncaught exception, CSP violation or failed same-origin request.
   */
  function browserTest(name: string, body: (session: BrowserSession, stack: Stack) => Promise<void>): void {
    it(name, async () => {
      const { stack, browser } = running();
      await inFreshContext(browser, { baseURL: stack.baseUrl, colorScheme: 'dark', testName: name }, async (session) => {
        session.context.setDefaultTimeout(10_000);
        await body(session, stack);
        expect(describeProblems(session.problems)).toEqual([]);
      });
    });
  }

  async function currentStatus(stack: Stack): Promise<SystemStatus> {
    const response = await fetch(`${stack.baseUrl}/api/v1/system/status`);
    expect(response.status).toBe(200);
    return (await response.json()) as SystemStatus;
  }

  browserTest('serves the SPA at / and shows the API ready, Postgres and Redis up and the running worker', async ({ page }, stack) => {
    const response = await page.goto('/');
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);

    await page.getByTestId('app-shell').waitFor({ state: 'visible' });
    await expectPageTitle(page, 'Overview');
    await expectApiReady(page);
    await expect(page.title()).resolves.toBe('Overview · Zpanel');

    for (const [testId, label] of [
      ['check-postgres', 'Postgres'],
      ['check-redis', 'Redis'],
    ]) {
      await eventually(async () => {
        const card = await textOf(page.getByTestId(testId));
        expect(card).toContain(label);
        expect(card).toContain('Up');
        expect(card).toMatch(/\d+(\.\d)? ms/);
      });
    }

    const { version, instanceId } = await currentStatus(stack);
    await eventually(async () => {
      const instance = await textOf(page.getByTestId('instance-card'));
      expect(instance).toContain(version);
      expect(instance).toContain(instanceId);
    });

    // The worker is listed once a heartbeat (every 5 s) reaches Redis; the API pushes the change
    // over the socket on its next 5 s poll, without a reload.
    await eventually(async () => {
      const workers = await textOf(page.getByTestId('workers-card'));
      expect(workers).toContain('1 online');
      expect(workers).toContain(hostname());
      expect(workers).toContain(`v${version}`);
    }, 15_000);
  });

  browserTest('connects the live-update socket over a same-origin WebSocket', async ({ page }, stack) => {
    const sockets: WebSocket[] = [];
    page.on('websocket', (socket) => sockets.push(socket));
    await page.goto('/');
    await expectSocketConnected(page);
    await eventually(() => {
      const upgraded = sockets.filter((socket) => socket.url().startsWith(`${stack.baseUrl.replace(/^http/, 'ws')}/socket.io/`));
      expect(upgraded.map((socket) => new URL(socket.url()).searchParams.get('transport'))).toEqual(['websocket']);
      expect(upgraded[0].isClosed()).toBe(false);
    });
  });

  browserTest('navigates to System from the sidebar and round-trips a probe through the worker', async ({ page }, stack) => {
    await page.goto('/');
    await expectPageTitle(page, 'Overview');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'System' }).click();
    await expectPageTitle(page, 'System');
    expect(new URL(page.url()).pathname).toBe('/system');
    await expectApiReady(page);

    // The Workers table lists exactly the worker process this suite started.
    const workerPid = String(stack.worker?.child.pid);
    const { version } = await currentStatus(stack);
    const workerRows = page.locator('table').filter({ hasText: 'Hostname' }).locator('tbody tr');
    await eventually(async () => {
      const cells = await workerRows.evaluateAll((rows) =>
        rows.map((row) => Array.from((row as HTMLTableRowElement).cells, (cell) => cell.textContent)),
      );
      expect(cells).toEqual([
        [expect.stringMatching(`^${HOST_PATTERN}-${workerPid}-[0-9a-f]{6}$`), hostname(), workerPid, version, expect.any(String), expect.any(String), expect.any(String)],
      ]);
    }, 15_000);

    const probeRequest = page.waitForRequest((request) => request.url().endsWith('/api/v1/system/status?probe=true'));
    await page.getByRole('button', { name: 'Check worker' }).click();
    await probeRequest;
    const result = page.locator('.probe__result');
    await eventually(
      async () => expect(await textOf(result)).toMatch(new RegExp(`^Worker ${HOST_PATTERN}-${workerPid}-[0-9a-f]{6} answered in \\d+(\\.\\d)? ms$`)),
      10_000,
    );
    await expect(page.getByRole('button', { name: 'Check worker' }).isEnabled()).resolves.toBe(true);
  });

  browserTest('keeps client routes on reload and shows Not found for unknown pages but not for the API', async ({ page }, stack) => {
    const system = await page.goto('/system');
    expect(system?.status()).toBe(200);
    await expectPageTitle(page, 'System');
    await page.reload();
    await expectPageTitle(page, 'System');
    await page.getByRole('button', { name: 'Check worker' }).waitFor({ state: 'visible' });

    const unknown = await page.goto('/no/such/page');
    expect(unknown?.status()).toBe(200);
    await expectPageTitle(page, 'Page not found');
    await expect(textOf(page.locator('main code'))).resolves.toBe('/no/such/page');
    await expectApiReady(page);
    await page.getByRole('link', { name: 'Back to Overview' }).click();
    await expectPageTitle(page, 'Overview');

    // A browser navigation (Accept: text/html) to an unknown API path gets the API's 404, not the SPA.
    const api = await page.request.get(`${stack.baseUrl}/api/no-such`, { headers: { Accept: 'text/html,*/*' } });
    expect(api.status()).toBe(404);
    expect(api.headers()['content-type']).toMatch(new RegExp(`^${PROBLEM_CONTENT_TYPE.replace('+', '\\+')}`));
    expect(await api.json()).toMatchObject({ status: 404, code: ErrorCode.NotFound, title: expect.any(String), traceId: expect.any(String) });
  });

  browserTest('switches between dark and light themes and remembers the choice across reloads', async ({ page }) => {
    const theme = () => page.locator('html').getAttribute('data-theme');
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

    await page.goto('/');
    await expectApiReady(page);
    await expect(theme()).resolves.toBe('dark');
    const darkBackground = await background();

    await page.getByRole('button', { name: 'Switch to light theme' }).click();
    await expect(theme()).resolves.toBe('light');
    await eventually(async () => expect(await background()).not.toBe(darkBackground));
    const lightBackground = await background();
    await page.getByRole('button', { name: 'Switch to dark theme' }).waitFor({ state: 'visible' });

    await page.reload();
    await expectApiReady(page);
    await expect(theme()).resolves.toBe('light');
    await expect(background()).resolves.toBe(lightBackground);

    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await expect(theme()).resolves.toBe('dark');
    await page.reload();
    await expectApiReady(page);
    await expect(theme()).resolves.toBe('dark');
    await expect(background()).resolves.toBe(darkBackground);
  });

  browserTest('runs every page under a strict Content-Security-Policy without errors or failed requests', async ({ page, problems }) => {
    const response = await page.goto('/');
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toContain("'unsafe-eval'");

    for (const [path, title] of [
      ['/', 'Overview'],
      ['/system', 'System'],
      ['/no/such/page', 'Page not found'],
    ]) {
      await page.goto(path);
      await expectPageTitle(page, title);
      await expectApiReady(page);
      await expectSocketConnected(page);
      expect(describeProblems(problems)).toEqual([]);
    }
  });

  browserTest('renders Swagger UI at /api/docs with the Zpanel API title and the system tag', async ({ page }) => {
    const response = await page.goto('/api/docs');
    expect(response?.status()).toBe(200);
    await expect(page.title()).resolves.toBe('Zpanel API');
    await eventually(async () => expect(await textOf(page.locator('.swagger-ui .info .title'))).toContain('Zpanel API'));
    await page.locator('.opblock-tag-section').filter({ has: page.locator('h3[data-tag="system"]') }).waitFor({ state: 'visible' });
    await expect(page.locator('h3[data-tag="system"]').textContent()).resolves.toContain('system');
  });
});
