import { readFile } from 'node:fs/promises';
import type { CreateOwnerRequest } from '@zpanel/contracts';
import { createOwner, startStack, type Stack, testSshTarget } from '@zpanel/testing';
import type { Browser, Locator, Page } from 'playwright-core';
import { signIn } from './support/auth';
import { describeProblems, inFreshContext, launchChromium, type ExpectedFailure } from './support/browser';
import { eventually } from './support/eventually';

async function textOf(locator: Locator): Promise<string> {
  return (await locator.textContent({ timeout: 2_000 })) ?? '';
}

async function expectPageTitle(page: Page, title: string): Promise<void> {
  await eventually(async () => expect(await textOf(page.getByTestId('page-title'))).toBe(title));
}

const OWNER: CreateOwnerRequest = {
  email: 'sam@example.com',
  name: 'Sam Servers',
  password: 'correct horse battery staple',
  teamName: 'Platform',
};

/** Every fresh tab first asks to refresh a session it does not have. */
const SIGNED_OUT_REFRESH: ExpectedFailure = { method: 'POST', path: '/api/v1/auth/refresh', status: 401 };

describe('Servers in the browser', () => {
  let stack: Stack | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    const [started, launched] = await Promise.allSettled([startStack({ worker: true }), launchChromium()]);
    if (started.status === 'fulfilled') stack = started.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    if (started.status === 'rejected') throw started.reason;
    if (launched.status === 'rejected') throw launched.reason;
    await createOwner(started.value.baseUrl, OWNER);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('adds a server with a pasted key, validates it to ready and shows its host key', async () => {
    if (!stack || !browser) throw new Error('the stack or the browser is missing (see beforeAll)');
    const target = testSshTarget();
    const privateKey = await readFile(target.privateKeyPath, 'utf8');

    await inFreshContext(browser, { baseURL: stack.baseUrl, colorScheme: 'dark', testName: 'servers: wizard' }, async ({ page, problems }) => {
      page.context().setDefaultTimeout(10_000);
      await signIn(page, OWNER);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Servers' }).click();
      await expectPageTitle(page, 'Servers');
      await page.getByRole('button', { name: 'Add your first server' }).click();

      const wizard = page.getByRole('dialog', { name: 'Add server' });
      await wizard.getByLabel('Paste a private key').check();
      await wizard.getByLabel('Key name', { exact: true }).fill('test sshd');
      await wizard.getByLabel('Private key', { exact: true }).fill(privateKey);
      await wizard.getByRole('button', { name: 'Add key' }).click();
      await eventually(async () => expect(await textOf(wizard.getByTestId('new-ssh-public-key'))).toMatch(/^ssh-/));
      await wizard.getByRole('button', { name: 'Next' }).click();

      await wizard.getByLabel('Name', { exact: true }).fill('test-sshd');
      await wizard.getByLabel('Host', { exact: true }).fill(target.host);
      await wizard.getByLabel('Port', { exact: true }).fill(String(target.port));
      await wizard.getByLabel('User', { exact: true }).fill(target.username);
      await wizard.getByRole('button', { name: 'Add and validate' }).click();

      await eventually(async () => expect(await textOf(wizard.getByTestId('validation-status'))).toBe('test-sshd is ready.'), 20_000);
      const result = await textOf(wizard.getByTestId('validation-result'));
      expect(result).toMatch(/Docker\d+\.\d+/);

      await wizard.getByRole('link', { name: 'Open server' }).click();
      await expectPageTitle(page, 'test-sshd');
      await eventually(async () => expect(await textOf(page.getByTestId('host-key-fingerprint'))).toMatch(/^SHA256:/));
      expect(await textOf(page.getByTestId('docker-version'))).toMatch(/^\d+\.\d+/);

      expect(describeProblems(problems, [SIGNED_OUT_REFRESH])).toEqual([]);
    });
  }, 45_000);
});
