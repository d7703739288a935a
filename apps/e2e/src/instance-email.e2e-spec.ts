import { type CreateOwnerRequest, Role } from '@zpanel/contracts';
import { type SignedIn, type Stack, TestSmtpServer, apiCaller, createOwner, firstLink, joinTeam } from '@zpanel/testing';
import type { Browser } from 'playwright-core';
import { fillLogin, signIn } from './support/auth';
import { type BrowserSession, type ExpectedFailure, describeProblems, inFreshContext } from './support/browser';
import { eventually } from './support/eventually';
import { expectPageTitle, textOf } from './support/page-text';
import { SIGNED_OUT_REFRESH, useStackAndBrowser } from './support/stack-and-browser';

const OWNER: CreateOwnerRequest = {
  email: 'olive@example.com',
  name: 'Olive Owner',
  password: 'correct horse battery staple',
  teamName: 'Platform',
};

/**
 * What the instance emails, end to end in the browser (docs/notifications.md, "Instance email"):
 * the worker sends through a real SMTP server on loopback, and the test follows the links in the
 * emails it received, as a person would.
 */
describe('Instance email in the browser', () => {
  const stackAndBrowser = useStackAndBrowser({ worker: true });
  let owner: SignedIn | undefined;
  let smtp: TestSmtpServer | undefined;

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    const { stack } = stackAndBrowser();
    owner = await createOwner(stack.baseUrl, OWNER);
    const saved = await apiCaller(() => stack.baseUrl)('PATCH', '/api/v1/system/settings', owner.accessToken, {
      publicUrl: stack.baseUrl,
      smtp: smtp.settings('zpanel@example.com'),
    });
    expect(saved.status).toBe(200);
  });
  afterAll(() => smtp?.stop());

  function running(): { stack: Stack; browser: Browser; owner: SignedIn; smtp: TestSmtpServer } {
    if (!owner || !smtp) throw new Error('the owner or the SMTP server is missing (see beforeAll)');
    return { ...stackAndBrowser(), owner, smtp };
  }

  function inContext(name: string, expected: readonly ExpectedFailure[], body: (session: BrowserSession) => Promise<void>): Promise<void> {
    const { stack, browser } = running();
    return inFreshContext(browser, { baseURL: stack.baseUrl, colorScheme: 'light', testName: name }, async (session) => {
      session.context.setDefaultTimeout(15_000);
      await body(session);
      expect(describeProblems(session.problems, [SIGNED_OUT_REFRESH, ...expected])).toEqual([]);
    });
  }

  it('resets a forgotten password: request, the emailed link, a new password, and signing in with it', async () => {
    const { stack, owner, smtp } = running();
    const person = { email: 'ada@example.com', old: 'an old forgotten passphrase', fresh: 'a fresh remembered passphrase' };
    await joinTeam(
      apiCaller(() => stack.baseUrl),
      owner,
      person.email,
      Role.Member,
      { name: 'Ada', password: person.old },
    );

    await inContext('instance email: password reset', [], async ({ page }) => {
      await page.goto('/login');
      await page.getByRole('link', { name: 'Forgot password?' }).click();
      await expectPageTitle(page, 'Reset your password');
      const since = new Date();
      await page.getByLabel('Email').fill(person.email);
      await page.getByRole('button', { name: 'Send reset link' }).click();
      await expectPageTitle(page, 'Check your email');
      expect(await textOf(page.getByRole('status'))).toMatch(/^If an account exists for this address, we sent it a link/);

      const mail = await smtp.waitForMail(person.email, { since, match: (m) => /reset your password/.test(m.subject) });
      const link = firstLink(mail.text);
      expect(link.startsWith(`${stack.baseUrl}/reset-password#token=zpp_`)).toBe(true);

      await page.goto(link);
      await expectPageTitle(page, 'Set a new password');
      // The token leaves the address bar once read.
      await eventually(async () => expect(new URL(page.url()).hash).toBe(''));
      await page.getByLabel('New password', { exact: true }).fill(person.fresh);
      await page.getByLabel('Repeat the new password', { exact: true }).fill(person.fresh);
      await page.getByRole('button', { name: 'Set new password' }).click();
      await expectPageTitle(page, 'Password changed');

      await page.getByRole('link', { name: 'Sign in' }).click();
      await expectPageTitle(page, 'Sign in to Zpanel');
      await fillLogin(page, { email: person.email, password: person.fresh });
      await page.getByTestId('app-shell').waitFor({ state: 'visible' });
      await eventually(async () => expect(await textOf(page.getByTestId('current-team'))).toBe(OWNER.teamName));
    });
  }, 60_000);

  it('emails an invitation; the invitee follows the link from the email, registers and is a member of the team', async () => {
    const { smtp } = running();
    const grace = { email: 'grace@example.com', name: 'Grace Hopper', password: 'a long enough passphrase' };

    await inContext('instance email: owner invites', [], async ({ page: ownerPage }) => {
      await signIn(ownerPage, OWNER);
      await ownerPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members' }).click();
      await expectPageTitle(ownerPage, 'Members');
      const since = new Date();
      await ownerPage.getByRole('button', { name: 'Invite member' }).click();
      const form = ownerPage.getByRole('dialog', { name: 'Invite member' });
      await form.getByLabel('Email').fill(grace.email);
      await form.getByLabel('Role').selectOption(Role.Member);
      await form.getByRole('button', { name: 'Create invitation' }).click();
      const created = ownerPage.getByRole('dialog', { name: 'Invitation created' });
      expect(await textOf(created)).toContain(`We emailed this link to ${grace.email}`);
      const shown = await created.getByLabel('Invitation link').inputValue();
      await created.getByRole('button', { name: 'Done' }).click();

      const mail = await smtp.waitForMail(grace.email, { since, match: (m) => /invited you/.test(m.subject) });
      expect(mail.subject).toBe(`Zpanel: ${OWNER.name} invited you to ${OWNER.teamName}`);
      const link = firstLink(mail.text);
      expect(link).toBe(shown);

      await inContext('instance email: invitee', [], async ({ page: gracePage }) => {
        await gracePage.goto(link);
        await expectPageTitle(gracePage, `Join ${OWNER.teamName}`);
        const register = gracePage.getByRole('form', { name: 'Create your account' });
        await register.getByLabel('Name').fill(grace.name);
        await register.getByLabel('Password').fill(grace.password);
        await register.getByRole('button', { name: 'Create account and join' }).click();
        await expectPageTitle(gracePage, 'Overview');
        await eventually(async () => expect(await textOf(gracePage.getByTestId('current-team'))).toBe(OWNER.teamName));
        expect(await textOf(gracePage.locator('.team-switcher__role'))).toBe('Member');
      });

      await ownerPage.reload();
      const members = ownerPage.getByRole('table', { name: 'Members' });
      await eventually(async () => expect(await textOf(members.getByTestId(`member-${grace.email}`))).toContain(grace.name));
    });
  }, 60_000);
});
