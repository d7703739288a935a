import { type CreatedInvitationResponse, type CreateOwnerRequest, Role } from '@zpanel/contracts';
import { apiCaller, createOwner, type SignedIn, type Stack } from '@zpanel/testing';
import type { Browser } from 'playwright-core';
import { signIn } from './support/auth';
import { describeProblems, inFreshContext, type BrowserSession, type ExpectedFailure } from './support/browser';
import { eventually } from './support/eventually';
import { expectPageTitle, textOf } from './support/page-text';
import { SIGNED_OUT_REFRESH, useStackAndBrowser } from './support/stack-and-browser';

const OWNER: CreateOwnerRequest = {
  email: 'olive@example.com',
  name: 'Olive Owner',
  password: 'correct horse battery staple',
  teamName: 'Platform',
};
const GRACE = { email: 'grace@example.com', name: 'Grace Hopper', password: 'a long enough passphrase' };

describe('Team members in the browser', () => {
  const stackAndBrowser = useStackAndBrowser({ worker: false });
  let owner: SignedIn | undefined;

  beforeAll(async () => {
    owner = await createOwner(stackAndBrowser().stack.baseUrl, OWNER);
  });

  function running(): { stack: Stack; browser: Browser; owner: SignedIn } {
    if (!owner) throw new Error('the owner is missing (see beforeAll)');
    return { ...stackAndBrowser(), owner };
  }

  /** A fresh context (own cookies, so signed out) that must end without unexpected problems. */
  function inContext(name: string, expected: readonly ExpectedFailure[], body: (session: BrowserSession) => Promise<void>): Promise<void> {
    const { stack, browser } = running();
    return inFreshContext(browser, { baseURL: stack.baseUrl, colorScheme: 'dark', testName: name }, async (session) => {
      session.context.setDefaultTimeout(10_000);
      await body(session);
      expect(describeProblems(session.problems, [SIGNED_OUT_REFRESH, ...expected])).toEqual([]);
    });
  }

  it('invites by link, the invitee registers into the team, sees a role change, and a revoked link says why it fails', async () => {
    const { stack, owner } = running();
    // A second pending invitation, made through the API, for the owner to revoke later.
    const call = apiCaller(() => stack.baseUrl);
    const other = await call<CreatedInvitationResponse>('POST', `/api/v1/teams/${owner.teamId}/invitations`, owner.accessToken, {
      email: 'alan@example.com',
      role: Role.Viewer,
    });
    expect(other.status).toBe(201);

    await inContext('team members: owner', [], async ({ page: ownerPage }) => {
      await signIn(ownerPage, OWNER);
      await ownerPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members' }).click();
      await expectPageTitle(ownerPage, 'Members');
      expect(new URL(ownerPage.url()).pathname).toBe('/team/members');
      const members = ownerPage.getByRole('table', { name: 'Members' });
      const invitations = ownerPage.getByRole('table', { name: 'Invitations' });
      await eventually(async () => expect(await textOf(members.getByTestId(`member-${OWNER.email}`))).toContain('You'));
      await eventually(async () => expect(await textOf(invitations.getByTestId('invitation-alan@example.com'))).toContain('Pending'));

      await ownerPage.getByRole('button', { name: 'Invite member' }).click();
      const form = ownerPage.getByRole('dialog', { name: 'Invite member' });
      await form.getByLabel('Email').fill(GRACE.email);
      await form.getByLabel('Role').selectOption(Role.Member);
      await form.getByRole('button', { name: 'Create invitation' }).click();
      const created = ownerPage.getByRole('dialog', { name: 'Invitation created' });
      const link = await created.getByLabel('Invitation link').inputValue();
      expect(link).toMatch(new RegExp(`^${stack.baseUrl}/invitations/accept\\?token=zpi_\\w+$`));
      expect(await textOf(created)).toContain(`Expires in 72 h and works for ${GRACE.email} only`);
      await created.getByRole('button', { name: 'Done' }).click();
      await created.waitFor({ state: 'detached' });
      await eventually(async () => expect(await textOf(invitations.getByTestId(`invitation-${GRACE.email}`))).toContain('Pending'));

      await inContext(
        'team members: invitee',
        [{ method: 'POST', path: '/api/v1/invitations/preview', status: 410 }],
        async ({ page: gracePage }) => {
          await gracePage.goto(link);
          await expectPageTitle(gracePage, `Join ${OWNER.teamName}`);
          const register = gracePage.getByRole('form', { name: 'Create your account' });
          await register.getByLabel('Name').fill(GRACE.name);
          await register.getByLabel('Password').fill(GRACE.password);
          await register.getByRole('button', { name: 'Create account and join' }).click();
          await expectPageTitle(gracePage, 'Overview');
          expect(new URL(gracePage.url()).pathname).toBe('/');
          await eventually(async () => expect(await textOf(gracePage.getByTestId('current-team'))).toBe(OWNER.teamName));
          expect(await textOf(gracePage.locator('.team-switcher__role'))).toBe('Member');

          await ownerPage.reload();
          const graceRow = members.getByTestId(`member-${GRACE.email}`);
          await eventually(async () => expect(await textOf(graceRow)).toContain(GRACE.name));
          const graceRole = members.getByRole('combobox', { name: `Role of ${GRACE.name}` });
          expect(await graceRole.inputValue()).toBe(Role.Member);
          await eventually(async () => expect(await textOf(invitations.getByTestId(`invitation-${GRACE.email}`))).toContain('Accepted'));

          const patched = ownerPage.waitForResponse((response) => response.request().method() === 'PATCH' && response.url().includes('/members/'));
          await graceRole.selectOption(Role.Viewer);
          expect((await patched).status()).toBe(204);
          await eventually(async () => expect(await graceRole.inputValue()).toBe(Role.Viewer));

          await gracePage.reload();
          await eventually(async () => expect(await textOf(gracePage.locator('.team-switcher__role'))).toBe('Viewer'));
          await eventually(async () => expect(await textOf(gracePage.getByTestId('current-team'))).toBe(OWNER.teamName));

          await invitations.getByRole('button', { name: 'Revoke the invitation of alan@example.com' }).click();
          const confirm = ownerPage.getByRole('dialog', { name: 'Revoke this invitation?' });
          await confirm.getByRole('button', { name: 'Revoke invitation' }).click();
          await confirm.waitFor({ state: 'detached' });
          await eventually(async () => expect(await textOf(invitations.getByTestId('invitation-alan@example.com'))).toContain('Revoked'));

          await gracePage.goto(other.body.acceptPath);
          await expectPageTitle(gracePage, 'Invitation unavailable');
          expect(await textOf(gracePage.getByTestId('invitation-invalid'))).toBe(
            'This invitation was already used, revoked or has expired: ask for a new one.',
          );
        },
      );
    });
  }, 40_000);
});
