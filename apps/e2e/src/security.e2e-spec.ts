import { readFile } from 'node:fs/promises';
import { type CreateOwnerRequest, ErrorCode, type Paginated, type TeamMemberDto } from '@zpanel/contracts';
import { createOwner, type SignedIn, type Stack } from '@zpanel/testing';
import type { Page } from 'playwright-core';
import { fillLogin, signIn } from './support/auth';
import { type BrowserSession, describeProblems, type ExpectedFailure, inFreshContext } from './support/browser';
import { eventually } from './support/eventually';
import { expectPageTitle, textOf } from './support/page-text';
import { SIGNED_OUT_REFRESH, useStackAndBrowser } from './support/stack-and-browser';
import { totpAt, totpTimeStep } from './support/totp';

const OWNER: CreateOwnerRequest = {
  email: 'security-owner@zpanel.test',
  name: 'Sam Security',
  password: 'correct horse battery staple',
  teamName: 'Vault',
};

/** With 2FA on, the password alone is answered 401 `two_factor_required`: the page then asks for a code. */
const CODE_REQUIRED: ExpectedFailure = { method: 'POST', path: '/api/v1/auth/login', status: 401 };

async function openFromSidebar(page: Page, link: string, title: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click();
  await expectPageTitle(page, title);
}

/** The password step, answered "code required", as the login page sees it. */
async function passwordStep(page: Page): Promise<void> {
  const answer = page.waitForResponse((response) => response.url().endsWith('/api/v1/auth/login'));
  await fillLogin(page, OWNER);
  expect((await answer).status()).toBe(401);
  expect(await (await answer).json()).toMatchObject({ code: ErrorCode.TwoFactorRequired });
  await expectPageTitle(page, 'Two-factor authentication');
}

async function signInWithRecoveryCode(page: Page, code: string): Promise<void> {
  await page.goto('/login');
  await passwordStep(page);
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
  await page.getByLabel('Recovery code').fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByTestId('app-shell').waitFor({ state: 'visible' });
}

async function storedInBrowser(page: Page): Promise<string> {
  return page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage, cookies: document.cookie }));
}

/** `YYYY-MM-DD` of today here; the browser runs in the same time zone. */
function today(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

describe('Security pages in the browser', () => {
  const running = useStackAndBrowser();
  let owner: SignedIn | undefined;
  /**
   * Saved from the page by the first test, as a person would. The first test spends the TOTP
   * steps around now (the API refuses a step twice), so the later ones sign in with these.
   */
  let recoveryCodes: string[] = [];

  beforeAll(async () => {
    owner = await createOwner(running().stack.baseUrl, OWNER);
  });

  function browserTest(name: string, body: (session: BrowserSession, stack: Stack, owner: SignedIn) => Promise<void>): void {
    it(name, async () => {
      const { stack, browser } = running();
      if (!owner) throw new Error('the owner is missing (see beforeAll)');
      const signedIn = owner;
      await inFreshContext(browser, { baseURL: stack.baseUrl, colorScheme: 'dark', testName: name }, async (session) => {
        session.context.setDefaultTimeout(10_000);
        await body(session, stack, signedIn);
        // Whatever the test did, nothing unexpected failed, logged an error or broke the CSP.
        expect(describeProblems(session.problems, [SIGNED_OUT_REFRESH, CODE_REQUIRED])).toEqual([]);
      });
    });
  }

  browserTest('turns on two-factor authentication from the profile page, then asks for a code at the next sign-in', async ({ page }) => {
    await signIn(page, OWNER);
    await page.getByRole('button', { name: 'Account' }).click();
    await page.getByRole('menu', { name: 'Account' }).getByRole('menuitem', { name: 'Profile' }).click();
    await expectPageTitle(page, 'Profile');
    const card = page.getByTestId('two-factor-card');
    await card.getByRole('button', { name: 'Enable' }).click();

    await card.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor({ state: 'visible' });
    const secret = (await textOf(card.getByTestId('totp-secret'))).replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const confirmStep = totpTimeStep();
    await card.getByLabel('2. Enter the 6-digit code from the app').fill(totpAt(secret, confirmStep));
    await card.getByRole('button', { name: 'Turn on' }).click();

    const list = card.getByRole('list', { name: 'Recovery codes' });
    await list.waitFor({ state: 'visible' });
    recoveryCodes = await list.getByRole('listitem').allTextContents();
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const download = page.waitForEvent('download');
    await card.getByRole('button', { name: 'Download .txt' }).click();
    expect((await download).suggestedFilename()).toBe('zpanel-recovery-codes.txt');
    const saved = await readFile(String(await (await download).path()), 'utf8');
    for (const code of recoveryCodes) expect(saved).toContain(code);

    await card.getByRole('button', { name: 'I saved them' }).click();
    await list.waitFor({ state: 'detached' });
    await eventually(async () => expect(await textOf(card.locator('.badge'))).toBe('On'));
    expect(await textOf(card)).not.toContain(recoveryCodes[0]);
    const stored = await storedInBrowser(page);
    for (const value of [secret, ...recoveryCodes]) expect(stored).not.toContain(value);

    await page.getByRole('button', { name: 'Account' }).click();
    await page.getByRole('menu', { name: 'Account' }).getByRole('menuitem', { name: 'Sign out' }).click();
    await expectPageTitle(page, 'Sign in to Zpanel');
    await passwordStep(page);
    // The confirmation spent its step; the next one is already inside the API's ±1 step window.
    const loginStep = confirmStep + 1;
    expect(totpTimeStep()).toBeLessThanOrEqual(loginStep + 1);
    await page.getByLabel('Authentication code').fill(totpAt(secret, loginStep));
    await page.getByRole('button', { name: 'Verify' }).click();
    await expectPageTitle(page, 'Overview');
    expect(new URL(page.url()).pathname).toBe('/');
  });

  browserTest('creates an API token shown once, which works against the API until it is revoked in the UI', async ({ page }, stack, owner) => {
    expect(recoveryCodes).toHaveLength(10);
    await signInWithRecoveryCode(page, recoveryCodes[0]);
    await openFromSidebar(page, 'API tokens', 'API tokens');
    await eventually(async () => expect(await textOf(page.locator('main .empty-state'))).toContain('No API tokens yet'));

    await page.getByRole('button', { name: 'Create token' }).click();
    const form = page.getByRole('dialog', { name: 'Create API token' });
    await form.getByLabel('Name').fill('e2e smoke');
    await expect(form.getByRole('checkbox', { name: 'Read', exact: true }).isChecked()).resolves.toBe(true);
    const created = page.waitForResponse(
      (response) => response.url().endsWith(`/api/v1/teams/${owner.teamId}/api-tokens`) && response.request().method() === 'POST',
    );
    await form.getByRole('button', { name: 'Create token' }).click();
    expect((await created).status()).toBe(201);

    const shown = page.getByRole('dialog', { name: 'API token created' });
    const token = await textOf(shown.getByTestId('new-api-token-value'));
    expect(token).toMatch(/^zp_/);
    const membersUrl = `${stack.baseUrl}/api/v1/teams/${owner.teamId}/members`;
    expect(await textOf(shown.getByTestId('api-token-curl'))).toBe(`curl -H "Authorization: Bearer ${token}" ${membersUrl}`);

    const members = await fetch(membersUrl, { headers: { Authorization: `Bearer ${token}` } });
    expect(members.status).toBe(200);
    expect(((await members.json()) as Paginated<TeamMemberDto>).items).toEqual([expect.objectContaining({ email: OWNER.email })]);

    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(token);
    expect(await storedInBrowser(page)).not.toContain(token);
    const row = page.getByTestId('api-tokens-table').getByRole('row').filter({ hasText: 'e2e smoke' });
    await eventually(async () => {
      const text = await textOf(row);
      expect(text).toContain(`${token.slice(0, 10)}…`);
      expect(text).toContain(OWNER.name);
      expect(text).toContain('Active');
    });

    await row.getByRole('button', { name: 'Revoke e2e smoke' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke API token' });
    const revoked = page.waitForResponse((response) => response.request().method() === 'DELETE');
    await confirm.getByRole('button', { name: 'Revoke token' }).click();
    expect((await revoked).status()).toBe(204);
    await confirm.waitFor({ state: 'detached' });
    await eventually(async () => expect(await textOf(row)).toContain('Revoked'));
    await expect(row.getByRole('button').count()).resolves.toBe(0);

    const refused = await fetch(membersUrl, { headers: { Authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: ErrorCode.Unauthorized });
  });

  browserTest('shows the sign-ins, the 2FA change and the token events in the audit log, and filters them', async ({ page }) => {
    await signInWithRecoveryCode(page, recoveryCodes[1]);
    await openFromSidebar(page, 'Audit log', 'Audit log');
    const table = page.getByTestId('audit-table');
    const column = (n: number) => table.locator(`tbody tr td:nth-child(${n})`).allTextContents();

    await eventually(async () => {
      const actions = await column(2);
      // Newest first: this test's own sign-in leads.
      expect(actions[0]).toBe('Signed in');
      expect(actions).toEqual(
        expect.arrayContaining(['Signed in', 'Two-factor turned on', 'API token created', 'API token revoked', 'Team created']),
      );
      expect(actions.filter((action) => action === 'Signed in').length).toBeGreaterThanOrEqual(4);
    });
    expect(new Set(await column(3))).toEqual(new Set([OWNER.name]));
    const agent = table.locator('tbody tr').first().locator('td').nth(5);
    expect(await agent.getAttribute('title')).toMatch(/Chrome/);

    await page.getByLabel('Action', { exact: true }).selectOption({ label: 'API token created' });
    await eventually(async () => expect(await column(2)).toEqual(['API token created']));
    expect(await textOf(table.locator('tbody tr').first())).toContain('e2e smoke');
    expect(new URL(page.url()).search).toBe('?action=api_token.created');

    await page.getByLabel('From', { exact: true }).fill(today());
    await page.getByLabel('To', { exact: true }).fill(today());
    await eventually(async () => expect(await column(2)).toEqual(['API token created']));
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await eventually(async () => expect((await column(2)).length).toBeGreaterThan(5));
  });
});
