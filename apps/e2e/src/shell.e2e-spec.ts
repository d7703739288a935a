import { hostname } from 'node:os';
import {
  ErrorCode,
  PROBLEM_CONTENT_TYPE,
  REFRESH_COOKIE,
  REFRESH_COOKIE_PATH,
  type SetupStatusResponse,
  type SystemStatus,
  TEAM_HEADER,
} from '@zpanel/contracts';
import type { Stack } from '@zpanel/testing';
import type { Page, WebSocket } from 'playwright-core';
import { apiAccessToken, fillLogin, OWNER, signIn } from './support/auth';
import { describeProblems, inFreshContext, type BrowserSession, type ExpectedFailure } from './support/browser';
import { eventually } from './support/eventually';
import { expectPageTitle, textOf } from './support/page-text';
import { SIGNED_OUT_REFRESH, useStackAndBrowser } from './support/stack-and-browser';

/** The visible text of `locator`, failing fast (inside `eventually`) while it is not rendered yet. */
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

/** Path and query of the page, e.g. `/login?next=%2Fsystem`. */
function location(page: Page): string {
  const url = new URL(page.url());
  return `${url.pathname}${url.search}`;
}

describe('Zpanel in the browser', () => {
  const running = useStackAndBrowser({ worker: true });

  /**
   * A browser test in a fresh context (own storage and cookies, so signed out; dark system theme).
   * Whatever it does, it must leave no console error, uncaught exception, CSP violation or failed
   * same-origin request, except the refresh a signed-out start makes and the `expected` ones.
   */
  function browserTest(
    name: string,
    body: (session: BrowserSession, stack: Stack) => Promise<void>,
    expected: readonly ExpectedFailure[] = [],
  ): void {
    it(name, async () => {
      const { stack, browser } = running();
      await inFreshContext(browser, { baseURL: stack.baseUrl, colorScheme: 'dark', testName: name }, async (session) => {
        session.context.setDefaultTimeout(10_000);
        await body(session, stack);
        expect(describeProblems(session.problems, [SIGNED_OUT_REFRESH, ...expected])).toEqual([]);
      });
    });
  }

  async function currentStatus(stack: Stack): Promise<SystemStatus> {
    const response = await fetch(`${stack.baseUrl}/api/v1/system/status`, {
      headers: { Authorization: `Bearer ${await apiAccessToken(stack.baseUrl, OWNER)}` },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as SystemStatus;
  }

  // Runs first, on the run's fresh database: every later test signs in as the owner created here.
  browserTest(
    'creates the owner on /setup of a fresh instance, then shows the API ready, Postgres and Redis up and the worker',
    async ({ page }, stack) => {
      const unauthenticated = await fetch(`${stack.baseUrl}/api/v1/system/status`);
      expect(unauthenticated.status).toBe(401);
      expect(await unauthenticated.json()).toMatchObject({ code: ErrorCode.Unauthorized });

      const response = await page.goto('/');
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-type']).toMatch(/^text\/html/);

      await expectPageTitle(page, 'Create the owner account');
      expect(location(page)).toBe('/setup');
      await expect(page.title()).resolves.toBe('Create the owner account · Zpanel');
      const form = page.getByRole('form', { name: 'Create the owner account' });
      const password = form.getByLabel('Password', { exact: true });
      await form.getByLabel('Email', { exact: true }).fill(OWNER.email);
      await form.getByLabel('Name', { exact: true }).fill(OWNER.name);
      await form.getByLabel('Team name', { exact: true }).fill(OWNER.teamName);
      // The API's objection to the password shows under that field.
      await password.fill('Olive Owner');
      const refused = page.waitForResponse((response) => response.url().endsWith('/api/v1/setup/owner'));
      await form.getByRole('button', { name: 'Create owner account' }).click();
      expect((await refused).status()).toBe(400);
      await eventually(async () => expect(await password.getAttribute('aria-invalid', { timeout: 2_000 })).toBe('true'));
      const passwordNote = await textOf(page.locator(`[id="${await password.getAttribute('aria-describedby')}"]`));
      expect(passwordNote).not.toBe('At least 12 characters.');
      expect((await (await refused).json()) as { errors: { field: string; message: string }[] }).toMatchObject({
        code: ErrorCode.ValidationFailed,
        errors: expect.arrayContaining([{ field: 'password', message: passwordNote }]),
      });

      await password.fill(OWNER.password);
      await form.getByRole('button', { name: 'Create owner account' }).click();

      await page.getByTestId('app-shell').waitFor({ state: 'visible' });
      await expectPageTitle(page, 'Overview');
      expect(location(page)).toBe('/');
      await eventually(async () => expect(await textOf(page.getByTestId('current-team'))).toBe(OWNER.teamName));
      const setup = await fetch(`${stack.baseUrl}/api/v1/setup`);
      expect((await setup.json()) as SetupStatusResponse).toEqual({ needsOwner: false });
      const second = await fetch(`${stack.baseUrl}/api/v1/setup/owner`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ ...OWNER, email: 'second@zpanel.test' }),
      });
      expect(second.status).toBe(409);
      expect(await second.json()).toMatchObject({ code: ErrorCode.Conflict });
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
    },
    [{ method: 'POST', path: '/api/v1/setup/owner', status: 400 }],
  );

  browserTest('connects the live-update socket over a same-origin WebSocket, presenting the access token', async ({ page }, stack) => {
    const sockets: WebSocket[] = [];
    const packets: string[] = [];
    page.on('websocket', (socket) => {
      sockets.push(socket);
      socket.on('framesent', ({ payload }) => packets.push(String(payload)));
    });
    // socket.io opens with HTTP long-polling and only then upgrades to the WebSocket.
    page.on('request', (request) => {
      if (request.url().includes('/socket.io/') && request.method() === 'POST') packets.push(request.postData() ?? '');
    });
    const login = page.waitForResponse((response) => response.url().endsWith('/api/v1/auth/login'));
    await signIn(page, OWNER);
    const { accessToken } = (await (await login).json()) as { accessToken: string };
    await expectSocketConnected(page);
    await eventually(() => {
      const upgraded = sockets.filter((socket) => socket.url().startsWith(`${stack.baseUrl.replace(/^http/, 'ws')}/socket.io/`));
      expect(upgraded.map((socket) => new URL(socket.url()).searchParams.get('transport'))).toEqual(['websocket']);
      expect(upgraded[0].isClosed()).toBe(false);
      // The CONNECT packet of the namespace carries the handshake `auth`.
      expect(packets).toContain(`40/events,${JSON.stringify({ token: accessToken })}`);
    });
  });

  browserTest('navigates to System from the sidebar and round-trips a probe through the worker', async ({ page }, stack) => {
    await signIn(page, OWNER);
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
        [
          expect.stringMatching(`^${HOST_PATTERN}-${workerPid}-[0-9a-f]{6}$`),
          hostname(),
          workerPid,
          version,
          expect.any(String),
          expect.any(String),
          expect.any(String),
        ],
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
    await signIn(page, OWNER);
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

    await signIn(page, OWNER);
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
    const response = await page.goto('/login');
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toContain("'unsafe-eval'");
    await expectPageTitle(page, 'Sign in to Zpanel');
    expect(describeProblems(problems, [SIGNED_OUT_REFRESH])).toEqual([]);
    await fillLogin(page, OWNER);
    await expectPageTitle(page, 'Overview');

    for (const [path, title] of [
      ['/', 'Overview'],
      ['/system', 'System'],
      ['/profile', 'Profile'],
      ['/no/such/page', 'Page not found'],
    ]) {
      await page.goto(path);
      await expectPageTitle(page, title);
      await expectApiReady(page);
      await expectSocketConnected(page);
      expect(describeProblems(problems, [SIGNED_OUT_REFRESH])).toEqual([]);
    }
    // Only the very first visit was signed out.
    expect(problems.failedRequests).toHaveLength(1);
  });

  browserTest(
    'says "Wrong email or password" for a wrong password and stays on /login',
    async ({ page }) => {
      await page.goto('/login');
      const login = page.waitForResponse((response) => response.url().endsWith('/api/v1/auth/login'));
      await fillLogin(page, { email: OWNER.email, password: 'not the password at all' });
      expect((await login).status()).toBe(401);
      expect(await (await login).json()).toMatchObject({ code: ErrorCode.InvalidCredentials });

      await eventually(async () => expect(await textOf(page.getByRole('alert'))).toBe('Wrong email or password'));
      expect(location(page)).toBe('/login');
      await expect(page.getByTestId('app-shell').count()).resolves.toBe(0);
    },
    [{ method: 'POST', path: '/api/v1/auth/login', status: 401 }],
  );

  browserTest('signs out from the user menu to /login; a protected page then asks to sign in and returns to it', async ({ page, context }) => {
    await signIn(page, OWNER);
    await page.getByRole('button', { name: 'Account' }).click();
    const menu = page.getByRole('menu', { name: 'Account' });
    await eventually(async () => expect(await textOf(menu)).toContain(OWNER.email));
    expect(await textOf(menu)).toContain(OWNER.name);
    const logout = page.waitForResponse((response) => response.url().endsWith('/api/v1/auth/logout'));
    await menu.getByRole('menuitem', { name: 'Sign out' }).click();
    expect((await logout).status()).toBe(204);

    await expectPageTitle(page, 'Sign in to Zpanel');
    expect(location(page)).toBe('/login');
    expect((await context.cookies()).filter(({ name }) => name === REFRESH_COOKIE)).toEqual([]);

    await page.goto('/system?tab=workers');
    await expectPageTitle(page, 'Sign in to Zpanel');
    expect(location(page)).toBe(`/login?next=${encodeURIComponent('/system?tab=workers')}`);
    await fillLogin(page, OWNER);
    await expectPageTitle(page, 'System');
    expect(location(page)).toBe('/system?tab=workers');
  });

  browserTest('keeps the session across a reload through the httpOnly refresh cookie, never in storage', async ({ page, context }) => {
    await signIn(page, OWNER);
    await expectApiReady(page);
    const [cookie] = (await context.cookies()).filter(({ name }) => name === REFRESH_COOKIE);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: REFRESH_COOKIE_PATH });

    const refresh = page.waitForResponse((response) => response.url().endsWith('/api/v1/auth/refresh'));
    await page.reload();
    expect((await refresh).status()).toBe(200);
    await expectPageTitle(page, 'Overview');
    await expectApiReady(page);
    await eventually(async () => expect(await textOf(page.getByTestId('current-team'))).toBe(OWNER.teamName));
    expect(location(page)).toBe('/');

    const { accessToken } = (await (await refresh).json()) as { accessToken: string };
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
    expect(stored).not.toContain(accessToken);
    expect(await page.evaluate(() => document.cookie)).not.toContain(REFRESH_COOKIE);
  });

  browserTest('creates a team from the top-bar switcher, switches to it and sends it with the next requests', async ({ page }) => {
    const teamHeaders: (string | undefined)[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/v1/system/status')) teamHeaders.push(request.headers()[TEAM_HEADER]);
    });
    await signIn(page, OWNER);
    await expectApiReady(page);
    await eventually(async () => expect(await textOf(page.getByTestId('current-team'))).toBe(OWNER.teamName));

    await page.getByRole('button', { name: 'Switch team' }).click();
    await page.getByRole('menu', { name: 'Switch team' }).getByRole('menuitem', { name: 'Create team' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create team' });
    await dialog.getByLabel('Team name').fill('Zebra Works');
    const created = page.waitForResponse((response) => response.url().endsWith('/api/v1/teams') && response.request().method() === 'POST');
    await dialog.getByRole('button', { name: 'Create team' }).click();
    expect((await created).status()).toBe(201);
    const team = (await (await created).json()) as { teamId: string; teamName: string; role: string };
    expect(team).toMatchObject({ teamName: 'Zebra Works', role: 'owner' });

    await eventually(async () => expect(await textOf(page.getByTestId('current-team'))).toBe('Zebra Works'));
    await dialog.waitFor({ state: 'detached' });
    // Switching refetches the loaded queries, now in the new team.
    await eventually(() => expect(teamHeaders.at(-1)).toBe(team.teamId));
    expect(teamHeaders[0]).not.toBe(team.teamId);

    await page.getByRole('button', { name: 'Switch team' }).click();
    const teams = page.getByRole('menu', { name: 'Switch team' }).getByRole('menuitemradio');
    await eventually(async () => expect(await teams.allTextContents()).toEqual([`P${OWNER.teamName}Owner`, 'ZZebra WorksOwner']));
  });

  browserTest('renders Swagger UI at /api/docs with the Zpanel API title and the system tag', async ({ page }) => {
    const response = await page.goto('/api/docs');
    expect(response?.status()).toBe(200);
    await expect(page.title()).resolves.toBe('Zpanel API');
    await eventually(async () => expect(await textOf(page.locator('.swagger-ui .info .title'))).toContain('Zpanel API'));
    // Swagger UI renders a long list of operations virtualized: a tag is in the page once scrolled to.
    const systemTag = page.locator('h3[data-tag="system"]');
    await eventually(async () => {
      if ((await systemTag.count()) === 0) await page.mouse.wheel(0, 600);
      expect(await systemTag.isVisible()).toBe(true);
    }, 20_000);
    await expect(systemTag.textContent()).resolves.toContain('system');
  });
});
