import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ErrorCode, type InvitationDto, type Paginated, Role, type TeamMemberDto } from '@zpanel/contracts';
import { describe, expect, it, vi } from 'vitest';
import { aMe, aMembership, aSystemStatus, aUser, readyReadiness } from '../../../test/fixtures';
import { jsonResponse, mockApi, problemResponse, refusal, requestsTo } from '../../../test/mock-api';
import { renderApp } from '../../../test/render-app';
import { MembersPage } from './members-page';

vi.mock('../../../lib/socket', () => import('../../../test/fake-socket'));

const TEAM = 'team-1';
const MEMBERS = `/api/v1/teams/${TEAM}/members?page=1&perPage=20`;
const INVITATIONS = `/api/v1/teams/${TEAM}/invitations?page=1&perPage=10`;
const INVITE = `/api/v1/teams/${TEAM}/invitations`;
const member = (userId: string) => `/api/v1/teams/${TEAM}/members/${userId}`;

function aMember(overrides: Partial<TeamMemberDto> = {}): TeamMemberDto {
  return {
    userId: 'user-1',
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    role: Role.Owner,
    twoFactorEnabled: true,
    joinedAt: '2026-01-05T10:00:00.000Z',
    ...overrides,
  };
}

function anInvitation(overrides: Partial<InvitationDto> = {}): InvitationDto {
  return {
    id: 'inv-1',
    teamId: TEAM,
    email: 'grace@example.com',
    role: Role.Member,
    status: 'pending',
    invitedBy: { id: 'user-1', name: 'Ada Lovelace' },
    expiresAt: new Date(Date.now() + 72 * 3_600_000).toISOString(),
    createdAt: new Date().toISOString(),
    ...overrides,
  };
}

function page<T>(items: T[], total = items.length, pageNumber = 1, perPage = 20): Paginated<T> {
  return { items, page: pageNumber, perPage, total };
}

const ADA = aMember();
const GRACE = aMember({ userId: 'user-2', name: 'Grace Hopper', email: 'grace@example.com', role: Role.Member, twoFactorEnabled: false });
const CHARLES = aMember({ userId: 'user-3', name: 'Charles Babbage', email: 'charles@example.com', role: Role.Owner });

/** The shell and the page, for a user whose role in team-1 is `role`. */
function routes(role: Role, members: TeamMemberDto[] = [ADA, GRACE], invitations: InvitationDto[] = []) {
  return {
    '/api/v1/me': () => jsonResponse(aMe({ user: aUser(), teams: [aMembership({ teamId: TEAM, role })] })),
    '/api/ready': () => jsonResponse(readyReadiness),
    [MEMBERS]: () => jsonResponse(page(members.map((m) => (m.userId === ADA.userId ? { ...m, role } : m)))),
    [INVITATIONS]: () => jsonResponse(page(invitations, invitations.length, 1, 10)),
  };
}

async function openMembers() {
  renderApp('/team/members');
  await waitFor(() => expect(screen.getByTestId('page-title').textContent).toBe('Members'));
  return screen.findByRole('table', { name: 'Members' });
}

function roleSelect(name: string): HTMLSelectElement {
  return screen.getByRole('combobox', { name: `Role of ${name}` });
}

function enabledOptions(select: HTMLSelectElement): string[] {
  return Array.from(select.options)
    .filter((option) => !option.disabled)
    .map((option) => option.text);
}

describe(MembersPage.name, () => {
  it('is linked from the sidebar under Team', async () => {
    mockApi({ ...routes(Role.Owner), '/api/v1/system/status': () => jsonResponse(aSystemStatus()) });
    const { router } = renderApp('/');

    fireEvent.click(within(screen.getByRole('navigation', { name: 'Main' })).getByRole('link', { name: 'Members' }));

    await waitFor(() => expect(screen.getByTestId('page-title').textContent).toBe('Members'));
    expect(router.state.location.pathname).toBe('/team/members');
    expect(screen.getByRole('navigation', { name: 'Main' }).textContent).toContain('Team');
    await screen.findByRole('table', { name: 'Members' });
  });

  it('lists the members with their role, two-factor state and join date, and marks you', async () => {
    mockApi(routes(Role.Owner));

    const table = await openMembers();

    const rows = within(table).getAllByRole('row').slice(1);
    expect(
      rows.map((row) =>
        Array.from(row.querySelectorAll('td'))
          .slice(0, 2)
          .map((cell) => cell.textContent),
      ),
    ).toEqual([
      ['Ada LovelaceYou', 'ada@example.com'],
      ['Grace Hopper', 'grace@example.com'],
    ]);
    expect(within(rows[0]).getByText('On')).toBeTruthy();
    expect(within(rows[1]).getByText('Off')).toBeTruthy();
    expect(rows[1].textContent).toContain('Jan 5, 2026');
    expect(screen.getByTestId('two-factor-note').textContent).toBe('1 member on this page signs in without two-factor authentication.');
    expect(within(rows[0]).getByRole('button', { name: 'Leave team' })).toBeTruthy();
  });

  it('lets an owner give every role, owner included', async () => {
    mockApi(routes(Role.Owner, [ADA, GRACE, CHARLES]));
    await openMembers();

    for (const name of ['Grace Hopper', 'Charles Babbage']) {
      expect(roleSelect(name).disabled).toBe(false);
      expect(enabledOptions(roleSelect(name))).toEqual(['Owner', 'Admin', 'Member', 'Viewer']);
    }
    expect((screen.getByRole('button', { name: 'Remove Charles Babbage' }) as HTMLButtonElement).disabled).toBe(false);
    expect((screen.getByRole('button', { name: 'Invite member' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('lets an admin manage everyone but owners, and never hand out the owner role', async () => {
    mockApi(routes(Role.Admin, [ADA, GRACE, CHARLES]));
    await openMembers();

    expect(enabledOptions(roleSelect('Grace Hopper'))).toEqual(['Admin', 'Member', 'Viewer']);
    const owner = roleSelect('Charles Babbage');
    expect(owner.disabled).toBe(true);
    expect(owner.title).toBe('Only an owner can change the role of an owner');
    const removeOwner = screen.getByRole('button', { name: 'Remove Charles Babbage' }) as HTMLButtonElement;
    expect(removeOwner.disabled).toBe(true);
    expect(removeOwner.title).toBe('Only an owner can remove an owner');
    expect((screen.getByRole('button', { name: 'Remove Grace Hopper' }) as HTMLButtonElement).disabled).toBe(false);
    expect(await screen.findByRole('heading', { name: 'Invitations' })).toBeTruthy();
  });

  it.each([Role.Member, Role.Viewer])('shows a %s the people but no controls, no two-factor states and no invitations', async (role) => {
    const fetchMock = mockApi(routes(role));
    const table = await openMembers();

    const select = roleSelect('Grace Hopper');
    expect(select.disabled).toBe(true);
    expect(select.title).toBe(`Your role (${role}) cannot change roles: ask an owner or admin`);
    const remove = screen.getByRole('button', { name: 'Remove Grace Hopper' }) as HTMLButtonElement;
    expect(remove.disabled).toBe(true);
    expect(remove.title).toBe(`Your role (${role}) cannot remove members: ask an owner or admin`);
    const invite = screen.getByRole('button', { name: 'Invite member' }) as HTMLButtonElement;
    expect(invite.disabled).toBe(true);
    expect(invite.title).toBe(`Your role (${role}) cannot invite people: ask an owner or admin`);
    expect(within(table).queryByRole('columnheader', { name: 'Two-factor' })).toBeNull();
    expect(within(table).queryByText('Off')).toBeNull();
    expect(screen.queryByRole('heading', { name: 'Invitations' })).toBeNull();
    expect(requestsTo(fetchMock, INVITATIONS)).toHaveLength(0);
    // Leaving needs no role.
    expect((screen.getByRole('button', { name: 'Leave team' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it("changes someone's role at once and shows the new one", async () => {
    let grace = GRACE;
    const fetchMock = mockApi({
      ...routes(Role.Owner),
      [MEMBERS]: () => jsonResponse(page([ADA, grace])),
      [`PATCH ${member(GRACE.userId)}`]: ({ body }) => {
        grace = { ...grace, role: (body as { role: Role }).role };
        return new Response(null, { status: 204 });
      },
    });
    await openMembers();

    fireEvent.change(roleSelect('Grace Hopper'), { target: { value: Role.Viewer } });

    await waitFor(() => expect(roleSelect('Grace Hopper').value).toBe(Role.Viewer));
    expect(requestsTo(fetchMock, member(GRACE.userId), 'PATCH').map(({ body }) => body)).toEqual([{ role: 'viewer' }]);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it("asks before you demote yourself and shows the API's reason when you are the last owner", async () => {
    const fetchMock = mockApi({
      ...routes(Role.Owner),
      [`PATCH ${member(ADA.userId)}`]: () => refusal(409, 'The team needs at least one owner: make someone else owner first'),
    });
    await openMembers();

    fireEvent.change(roleSelect('Ada Lovelace'), { target: { value: Role.Admin } });
    const dialog = screen.getByRole('dialog', { name: 'Make yourself admin?' });
    expect(requestsTo(fetchMock, member(ADA.userId), 'PATCH')).toHaveLength(0);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Change my role' }));

    await waitFor(() =>
      expect(within(dialog).getByRole('alert').textContent).toContain('The team needs at least one owner: make someone else owner first'),
    );
    expect(requestsTo(fetchMock, member(ADA.userId), 'PATCH')[0].body).toEqual({ role: 'admin' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(roleSelect('Ada Lovelace').value).toBe(Role.Owner);
  });

  it("shows the API's reason above the table when a change of someone else's role is refused", async () => {
    mockApi({
      ...routes(Role.Owner),
      [`PATCH ${member(GRACE.userId)}`]: () => refusal(403, 'Your role (member) does not allow this (needs admin)'),
    });
    await openMembers();

    fireEvent.change(roleSelect('Grace Hopper'), { target: { value: Role.Admin } });

    const alert = await screen.findByTestId('role-change-error');
    expect(alert.textContent).toContain('Could not change the role of Grace Hopper: Your role (member) does not allow this (needs admin)');
    expect(roleSelect('Grace Hopper').value).toBe(Role.Member);
  });

  it('removes a member only after confirming', async () => {
    let members = [ADA, GRACE];
    const fetchMock = mockApi({
      ...routes(Role.Owner),
      [MEMBERS]: () => jsonResponse(page(members)),
      [`DELETE ${member(GRACE.userId)}`]: () => {
        members = [ADA];
        return new Response(null, { status: 204 });
      },
    });
    await openMembers();

    fireEvent.click(screen.getByRole('button', { name: 'Remove Grace Hopper' }));
    const dialog = screen.getByRole('dialog', { name: 'Remove Grace Hopper?' });
    expect(requestsTo(fetchMock, member(GRACE.userId), 'DELETE')).toHaveLength(0);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove member' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await waitFor(() => expect(screen.queryByText('Grace Hopper')).toBeNull());
    expect(requestsTo(fetchMock, member(GRACE.userId), 'DELETE')).toHaveLength(1);
  });

  it('leaves the team after confirming and goes to the Overview', async () => {
    let teams = [aMembership({ teamId: TEAM, role: Role.Member }), aMembership({ teamId: 'team-2', teamName: 'Jacquard Looms', role: Role.Viewer })];
    const fetchMock = mockApi({
      ...routes(Role.Member),
      '/api/v1/me': () => jsonResponse(aMe({ teams })),
      '/api/v1/system/status': () => jsonResponse(aSystemStatus()),
      [`DELETE ${member(ADA.userId)}`]: () => {
        teams = teams.slice(1);
        return new Response(null, { status: 204 });
      },
    });
    const { router } = renderApp('/team/members');
    await screen.findByRole('table', { name: 'Members' });

    fireEvent.click(screen.getByRole('button', { name: 'Leave team' }));
    fireEvent.click(within(screen.getByRole('dialog', { name: 'Leave Analytical Engines?' })).getByRole('button', { name: 'Leave team' }));

    await waitFor(() => expect(router.state.location.pathname).toBe('/'));
    await waitFor(() => expect(screen.getByTestId('current-team').textContent).toBe('Jacquard Looms'));
    expect(requestsTo(fetchMock, member(ADA.userId), 'DELETE')).toHaveLength(1);
  });

  it('pages through a long member list', async () => {
    const fetchMock = mockApi({
      ...routes(Role.Owner),
      [MEMBERS]: () => jsonResponse(page([ADA, GRACE], 22)),
      [`/api/v1/teams/${TEAM}/members?page=2&perPage=20`]: () => jsonResponse(page([CHARLES], 22, 2)),
    });
    await openMembers();
    expect(screen.getByTestId('pagination-summary').textContent).toBe('1–20 of 22');

    fireEvent.click(within(screen.getByRole('navigation', { name: 'Member pages' })).getByRole('button', { name: 'Next' }));

    await screen.findByText('Charles Babbage');
    expect(screen.getByTestId('pagination-summary').textContent).toBe('21–22 of 22');
    expect(requestsTo(fetchMock, `/api/v1/teams/${TEAM}/members?page=2&perPage=20`)).toHaveLength(1);
    expect(
      (within(screen.getByRole('navigation', { name: 'Member pages' })).getByRole('button', { name: 'Next' }) as HTMLButtonElement).disabled,
    ).toBe(true);
  });

  describe('invitations', () => {
    it('lists them with their status, and offers Revoke for pending ones only', async () => {
      mockApi(
        routes(
          Role.Owner,
          [ADA],
          [
            anInvitation(),
            anInvitation({ id: 'inv-2', email: 'alan@example.com', status: 'accepted' }),
            anInvitation({ id: 'inv-3', email: 'late@example.com', status: 'expired', expiresAt: new Date(Date.now() - 86_400_000).toISOString() }),
            anInvitation({ id: 'inv-4', email: 'nope@example.com', status: 'revoked' }),
          ],
        ),
      );
      await openMembers();

      const table = await screen.findByRole('table', { name: 'Invitations' });
      const rows = within(table).getAllByRole('row').slice(1);
      expect(rows.map((row) => row.querySelectorAll('td')[2].textContent)).toEqual(['Pending', 'Accepted', 'Expired', 'Revoked']);
      expect(rows[0].textContent).toContain('in 3 days');
      expect(rows[2].textContent).toContain('yesterday');
      expect(within(table).getAllByRole('button', { name: /^Revoke/ })).toHaveLength(1);
    });

    it('says so when there are none', async () => {
      mockApi(routes(Role.Admin));
      await openMembers();

      expect(await screen.findByText(/No invitations yet/)).toBeTruthy();
    });

    it('shows the link of a new invitation once, with its expiry and the email it works for', async () => {
      let invitations: InvitationDto[] = [];
      const fetchMock = mockApi({
        ...routes(Role.Admin),
        [INVITATIONS]: () => jsonResponse(page(invitations, invitations.length, 1, 10)),
        [`POST ${INVITE}`]: ({ body }) => {
          const created = anInvitation(body as Partial<InvitationDto>);
          invitations = [created];
          return jsonResponse({ ...created, token: 'zpi_secret', acceptPath: '/invitations/accept?token=zpi_secret', emailed: false }, 201);
        },
      });
      await openMembers();
      await screen.findByText(/No invitations yet/);

      fireEvent.click(screen.getByRole('button', { name: 'Invite member' }));
      const form = screen.getByRole('dialog', { name: 'Invite member' });
      const role = within(form).getByLabelText('Role') as HTMLSelectElement;
      expect(enabledOptions(role)).toEqual(['Admin', 'Member', 'Viewer']);
      fireEvent.change(within(form).getByLabelText('Email'), { target: { value: ' grace@example.com ' } });
      fireEvent.change(role, { target: { value: Role.Viewer } });
      fireEvent.click(within(form).getByRole('button', { name: 'Create invitation' }));

      const created = await screen.findByRole('dialog', { name: 'Invitation created' });
      const link = within(created).getByLabelText('Invitation link') as HTMLInputElement;
      expect(link.value).toBe(`${window.location.origin}/invitations/accept?token=zpi_secret`);
      expect(document.activeElement).toBe(link);
      expect(created.textContent).toContain('Expires in 72 h and works for grace@example.com only');
      expect(requestsTo(fetchMock, INVITE, 'POST')[0].body).toEqual({ email: 'grace@example.com', role: 'viewer' });
      // The list behind the dialog already has it.
      await within(await screen.findByRole('table', { name: 'Invitations' })).findByText('grace@example.com');

      fireEvent.click(within(created).getByRole('button', { name: 'Copy' }));
      // jsdom has no clipboard: the button says to copy by hand.
      expect(await within(created).findByRole('button', { name: 'Copy failed: select the text' })).toBeTruthy();
      fireEvent.click(within(created).getByRole('button', { name: 'Done' }));
      expect(screen.queryByRole('dialog')).toBeNull();

      fireEvent.click(screen.getByRole('button', { name: 'Invite member' }));
      const again = screen.getByRole('dialog', { name: 'Invite member' });
      expect((within(again).getByLabelText('Email') as HTMLInputElement).value).toBe('');
      expect(document.body.textContent).not.toContain('zpi_secret');
    });

    it('copies the link to the clipboard where there is one', async () => {
      const writeText = vi.fn(() => Promise.resolve());
      vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
      mockApi({
        ...routes(Role.Owner),
        [`POST ${INVITE}`]: () =>
          jsonResponse({ ...anInvitation(), token: 'zpi_secret', acceptPath: '/invitations/accept?token=zpi_secret', emailed: true }, 201),
      });
      await openMembers();
      fireEvent.click(screen.getByRole('button', { name: 'Invite member' }));
      fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'grace@example.com' } });
      fireEvent.click(screen.getByRole('button', { name: 'Create invitation' }));

      fireEvent.click(await screen.findByRole('button', { name: 'Copy' }));

      // The instance emailed it too (SMTP settings and a public URL): the dialog says so.
      expect(screen.getByText(/We emailed this link to/)).toBeTruthy();
      expect(await screen.findByRole('button', { name: 'Copied' })).toBeTruthy();
      expect(writeText).toHaveBeenCalledWith(`${window.location.origin}/invitations/accept?token=zpi_secret`);
    });

    it('shows why an invitation was refused under the email field and keeps the dialog open', async () => {
      mockApi({
        ...routes(Role.Owner),
        [`POST ${INVITE}`]: () =>
          refusal(409, 'grace@example.com is already a member of this team', [{ field: 'email', message: 'already a member' }]),
      });
      await openMembers();
      fireEvent.click(screen.getByRole('button', { name: 'Invite member' }));
      const dialog = screen.getByRole('dialog', { name: 'Invite member' });
      fireEvent.change(within(dialog).getByLabelText('Email'), { target: { value: 'grace@example.com' } });

      fireEvent.click(within(dialog).getByRole('button', { name: 'Create invitation' }));

      await waitFor(() => expect(within(dialog).getByLabelText('Email').closest('.field')?.textContent).toContain('already a member'));
      expect(within(dialog).getByLabelText('Email').getAttribute('aria-invalid')).toBe('true');
      expect(screen.getByRole('dialog', { name: 'Invite member' })).toBeTruthy();
    });

    it('revokes a pending invitation after confirming', async () => {
      let invitation = anInvitation();
      const fetchMock = mockApi({
        ...routes(Role.Owner, [ADA]),
        [INVITATIONS]: () => jsonResponse(page([invitation], 1, 1, 10)),
        [`DELETE ${INVITE}/inv-1`]: () => {
          invitation = { ...invitation, status: 'revoked' };
          return new Response(null, { status: 204 });
        },
      });
      await openMembers();
      const table = await screen.findByRole('table', { name: 'Invitations' });

      fireEvent.click(within(table).getByRole('button', { name: 'Revoke the invitation of grace@example.com' }));
      const dialog = screen.getByRole('dialog', { name: 'Revoke this invitation?' });
      expect(dialog.textContent).toContain('The link sent to grace@example.com stops working at once.');
      fireEvent.click(within(dialog).getByRole('button', { name: 'Revoke invitation' }));

      await waitFor(() => expect(within(table).getByTestId('invitation-grace@example.com').textContent).toContain('Revoked'));
      expect(screen.queryByRole('dialog')).toBeNull();
      expect(within(table).queryByRole('button', { name: /^Revoke/ })).toBeNull();
      expect(requestsTo(fetchMock, `${INVITE}/inv-1`, 'DELETE')).toHaveLength(1);
    });

    it('keeps the dialog open with the reason when revoking fails', async () => {
      mockApi({
        ...routes(Role.Owner, [ADA], [anInvitation()]),
        [`DELETE ${INVITE}/inv-1`]: () =>
          problemResponse({ status: 409, title: 'Conflict', code: ErrorCode.Conflict, detail: 'The invitation is already accepted' }),
      });
      await openMembers();
      fireEvent.click(await screen.findByRole('button', { name: 'Revoke the invitation of grace@example.com' }));
      const dialog = screen.getByRole('dialog', { name: 'Revoke this invitation?' });

      fireEvent.click(within(dialog).getByRole('button', { name: 'Revoke invitation' }));

      await waitFor(() => expect(within(dialog).getByRole('alert').textContent).toContain('The invitation is already accepted'));
    });
  });
});
