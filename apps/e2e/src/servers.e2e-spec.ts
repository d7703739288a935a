import { readFile } from 'node:fs/promises';
import type { CreateOwnerRequest } from '@zpanel/contracts';
import { testSshTarget } from '@zpanel/testing';
import { signIn } from './support/auth';
import { addPastedKey, fillServerAddress } from './support/server-wizard';
import { describeProblems, inFreshContext } from './support/browser';
import { eventually } from './support/eventually';
import { expectPageTitle, textOf } from './support/page-text';
import { SIGNED_OUT_REFRESH, useOwner, useStackAndBrowser } from './support/stack-and-browser';

const OWNER: CreateOwnerRequest = {
  email: 'sam@example.com',
  name: 'Sam Servers',
  password: 'correct horse battery staple',
  teamName: 'Platform',
};

describe('Servers in the browser', () => {
  const running = useStackAndBrowser({ worker: true });

  useOwner(running, OWNER);

  it('adds a server with a pasted key, validates it to ready and shows its host key', async () => {
    const { stack, browser } = running();
    const target = testSshTarget();
    const privateKey = await readFile(target.privateKeyPath, 'utf8');

    await inFreshContext(browser, { baseURL: stack.baseUrl, colorScheme: 'dark', testName: 'servers: wizard' }, async ({ page, problems }) => {
      page.context().setDefaultTimeout(10_000);
      await signIn(page, OWNER);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Servers' }).click();
      await expectPageTitle(page, 'Servers');
      await page.getByRole('button', { name: 'Add your first server' }).click();

      const wizard = page.getByRole('dialog', { name: 'Add server' });
      await addPastedKey(wizard, privateKey);
      await eventually(async () => expect(await textOf(wizard.getByTestId('new-ssh-public-key'))).toMatch(/^ssh-/));
      await wizard.getByRole('button', { name: 'Next' }).click();

      await fillServerAddress(wizard, 'test-sshd', target);
      await wizard.getByRole('button', { name: 'Add and validate' }).click();

      await eventually(async () => expect(await textOf(wizard.getByTestId('validation-status'))).toBe('test-sshd is ready.'), 20_000);
      // The live status event arrives a moment before the refetched row that carries the facts.
      await eventually(async () => expect(await textOf(wizard.getByTestId('validation-result'))).toMatch(/Docker\d+\.\d+/));

      await wizard.getByRole('link', { name: 'Open server' }).click();
      await expectPageTitle(page, 'test-sshd');
      await eventually(async () => expect(await textOf(page.getByTestId('host-key-fingerprint'))).toMatch(/^SHA256:/));
      expect(await textOf(page.getByTestId('docker-version'))).toMatch(/^\d+\.\d+/);

      expect(describeProblems(problems, [SIGNED_OUT_REFRESH])).toEqual([]);
    });
  }, 45_000);
});
