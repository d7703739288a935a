import { Client } from 'pg';
import {
  type CreatedInvitationResponse,
  ErrorCode,
  type InvitationDto,
  type MeResponse,
  type Paginated,
  type ProblemDetails,
  Role,
  type SessionResponse,
  type TeamMemberDto,
} from '@zpanel/contracts';
import { joinTeam, signIn, useOwnedStack, waitFor } from '@zpanel/testing';

const PASSWORD = 'a long enough passphrase';

// One stack for the file, logging at info: the access-log test reads what the API wrote.
const suite = useOwnedStack({ env: { LOG_LEVEL: 'info' } });
const { call } = suite;

describe('teams, members and invitations (built api)', () => {
  const invite = (token: string, teamId: string, email: string, role: Role) =>
    call<CreatedInvitationResponse & Pick<ProblemDetails, 'errors' | 'code'>>('POST', `/api/v1/teams/${teamId}/invitations`, token, { email, role });

  /** Invites `email` into the owner's team with `role`, registers them through the invitation, signs them in. */
  const joinAs = (email: string, name: string, role: Role) => joinTeam(call, suite.owner, email, role, { name, password: PASSWORD });

  describe('invitations', () => {
    it('registers a new person through an invitation, once, into the right team and role', async () => {
      const created = await invite(suite.owner.accessToken, suite.owner.teamId, 'Grace@Example.com', Role.Member);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        status: 'pending',
        role: 'member',
        token: expect.stringMatching(/^zpi_/),
        invitedBy: { id: suite.owner.userId },
      });
      expect(created.body.acceptPath).toBe(`/invitations/accept?token=${created.body.token}`);

      const preview = await call('POST', '/api/v1/invitations/preview', undefined, { token: created.body.token });
      expect(preview.body).toMatchObject({ teamName: 'Acme', email: 'Grace@Example.com', role: 'member', accountExists: false });

      const weak = await call<ProblemDetails>('POST', '/api/v1/invitations/register', undefined, {
        token: created.body.token,
        name: 'Grace Hopper',
        password: 'short',
      });
      expect(weak.status).toBe(400);
      expect(weak.body.errors?.[0].field).toBe('password');

      const registered = await call<SessionResponse>('POST', '/api/v1/invitations/register', undefined, {
        token: created.body.token,
        name: 'Grace Hopper',
        password: PASSWORD,
      });
      expect(registered.status).toBe(201);
      const me = await call<MeResponse>('GET', '/api/v1/me', registered.body.accessToken);
      expect(me.body.teams).toEqual([expect.objectContaining({ teamId: suite.owner.teamId, role: 'member' })]);

      const again = await call<ProblemDetails>('POST', '/api/v1/invitations/register', undefined, {
        token: created.body.token,
        name: 'Mallory',
        password: PASSWORD,
      });
      expect(again.status).toBe(410);
      expect(again.body.code).toBe(ErrorCode.InvitationInvalid);
    });

    it('lets an existing account accept only when signed in as the invited email', async () => {
      // Ada has her own account (through another team's invitation) and is then invited here.
      const { teamId: otherTeam } = (await call<{ teamId: string }>('POST', '/api/v1/teams', suite.owner.accessToken, { name: 'Side project' })).body;
      const toSide = await invite(suite.owner.accessToken, otherTeam, 'ada@example.com', Role.Viewer);
      await call('POST', '/api/v1/invitations/register', undefined, { token: toSide.body.token, name: 'Ada Lovelace', password: PASSWORD });
      const ada = await signIn(suite.stack.baseUrl, { email: 'ada@example.com', password: PASSWORD });

      const created = await invite(suite.owner.accessToken, suite.owner.teamId, 'ada@example.com', Role.Admin);
      expect((await call('POST', '/api/v1/invitations/preview', undefined, { token: created.body.token })).body).toMatchObject({
        accountExists: true,
      });

      const register = await call<ProblemDetails>('POST', '/api/v1/invitations/register', undefined, {
        token: created.body.token,
        name: 'Impostor',
        password: PASSWORD,
      });
      expect(register.status).toBe(409);

      const wrongPerson = await call<ProblemDetails>('POST', '/api/v1/invitations/accept', suite.owner.accessToken, { token: created.body.token });
      expect(wrongPerson.status).toBe(403);

      const accepted = await call('POST', '/api/v1/invitations/accept', ada.accessToken, { token: created.body.token });
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({ teamId: suite.owner.teamId, role: 'admin' });
      expect((await call('POST', '/api/v1/invitations/accept', ada.accessToken, { token: created.body.token })).status).toBe(410);
    });

    it('refuses an expired invitation', async () => {
      const created = await invite(suite.owner.accessToken, suite.owner.teamId, 'late@example.com', Role.Viewer);
      const db = new Client({ connectionString: suite.stack.databaseUrl });
      await db.connect();
      try {
        await db.query(`UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE id = $1`, [created.body.id]);
      } finally {
        await db.end();
      }
      const preview = await call<ProblemDetails>('POST', '/api/v1/invitations/preview', undefined, { token: created.body.token });
      expect(preview.status).toBe(410);
      expect(preview.body.detail).toContain('expired');
      const register = await call('POST', '/api/v1/invitations/register', undefined, { token: created.body.token, name: 'Late', password: PASSWORD });
      expect(register.status).toBe(410);
      const list = await call<Paginated<InvitationDto>>('GET', `/api/v1/teams/${suite.owner.teamId}/invitations`, suite.owner.accessToken);
      expect(list.body.items.find((i) => i.id === created.body.id)?.status).toBe('expired');
    });

    it('revokes a pending invitation, and a new invitation replaces a pending one', async () => {
      const first = await invite(suite.owner.accessToken, suite.owner.teamId, 'twice@example.com', Role.Viewer);
      const second = await invite(suite.owner.accessToken, suite.owner.teamId, 'twice@example.com', Role.Member);
      expect((await call('POST', '/api/v1/invitations/preview', undefined, { token: first.body.token })).status).toBe(410);
      expect((await call('DELETE', `/api/v1/teams/${suite.owner.teamId}/invitations/${second.body.id}`, suite.owner.accessToken)).status).toBe(204);
      expect((await call('POST', '/api/v1/invitations/preview', undefined, { token: second.body.token })).status).toBe(410);
      expect((await call('DELETE', `/api/v1/teams/${suite.owner.teamId}/invitations/${second.body.id}`, suite.owner.accessToken)).status).toBe(409);
    });

    it('refuses inviting a current member, a bad email or role, and only owners invite owners', async () => {
      const member = await invite(suite.owner.accessToken, suite.owner.teamId, 'grace@example.com', Role.Viewer);
      expect(member.status).toBe(409);
      const bad = await invite(suite.owner.accessToken, suite.owner.teamId, 'nope', 'superuser' as Role);
      expect(bad.status).toBe(400);
      expect(bad.body.errors?.map((e) => e.field).sort()).toEqual(['email', 'role']);

      const admin = await joinAs('admin1@example.com', 'Adam Admin', Role.Admin);
      expect((await invite(admin.accessToken, suite.owner.teamId, 'boss@example.com', Role.Owner)).status).toBe(403);
      expect((await invite(admin.accessToken, suite.owner.teamId, 'helper@example.com', Role.Member)).status).toBe(201);
    });
  });

  describe('members and roles', () => {
    it('lists members with their 2FA state; viewers cannot manage, members cannot invite', async () => {
      const viewer = await joinAs('viewer1@example.com', 'Vera Viewer', Role.Viewer);
      const member = await joinAs('member1@example.com', 'Max Member', Role.Member);
      const list = await call<Paginated<TeamMemberDto>>('GET', `/api/v1/teams/${suite.owner.teamId}/members?perPage=100`, viewer.accessToken);
      expect(list.status).toBe(200);
      expect(list.body.items.find((m) => m.userId === suite.owner.userId)).toMatchObject({ role: 'owner' });
      // Who lacks 2FA is for owners and admins to see.
      expect(list.body.items.every((m) => m.twoFactorEnabled === undefined)).toBe(true);
      const asOwner = await call<Paginated<TeamMemberDto>>('GET', `/api/v1/teams/${suite.owner.teamId}/members?perPage=100`, suite.owner.accessToken);
      expect(asOwner.body.items.find((m) => m.userId === suite.owner.userId)).toMatchObject({ twoFactorEnabled: false });

      expect(
        (await call('PATCH', `/api/v1/teams/${suite.owner.teamId}/members/${member.userId}`, viewer.accessToken, { role: 'admin' })).status,
      ).toBe(403);
      expect((await invite(member.accessToken, suite.owner.teamId, 'x@example.com', Role.Viewer)).status).toBe(403);
      expect((await call('GET', `/api/v1/teams/${suite.owner.teamId}/invitations`, member.accessToken)).status).toBe(403);
    });

    it('keeps at least one owner: the last owner can neither be demoted nor leave', async () => {
      const demote = await call<ProblemDetails>(
        'PATCH',
        `/api/v1/teams/${suite.owner.teamId}/members/${suite.owner.userId}`,
        suite.owner.accessToken,
        {
          role: 'admin',
        },
      );
      expect(demote.status).toBe(409);
      const leave = await call<ProblemDetails>(
        'DELETE',
        `/api/v1/teams/${suite.owner.teamId}/members/${suite.owner.userId}`,
        suite.owner.accessToken,
      );
      expect(leave.status).toBe(409);

      const second = await joinAs('owner2@example.com', 'Second Owner', Role.Member);
      expect(
        (await call('PATCH', `/api/v1/teams/${suite.owner.teamId}/members/${second.userId}`, suite.owner.accessToken, { role: 'owner' })).status,
      ).toBe(204);
      // With two owners, the second may step down; then the first is the last again.
      expect(
        (await call('PATCH', `/api/v1/teams/${suite.owner.teamId}/members/${second.userId}`, second.accessToken, { role: 'member' })).status,
      ).toBe(204);
      expect(
        (await call('PATCH', `/api/v1/teams/${suite.owner.teamId}/members/${suite.owner.userId}`, suite.owner.accessToken, { role: 'admin' })).status,
      ).toBe(409);
    });

    it('lets a member leave and an admin remove a member, but not an owner', async () => {
      const leaver = await joinAs('leaver@example.com', 'Lee Leaver', Role.Viewer);
      expect((await call('DELETE', `/api/v1/teams/${suite.owner.teamId}/members/${leaver.userId}`, leaver.accessToken)).status).toBe(204);
      expect((await call<MeResponse>('GET', '/api/v1/me', leaver.accessToken)).body.teams).toEqual([]);

      const admin = await joinAs('admin2@example.com', 'Ann Admin', Role.Admin);
      const victim = await joinAs('victim@example.com', 'Vic Victim', Role.Member);
      expect((await call('DELETE', `/api/v1/teams/${suite.owner.teamId}/members/${victim.userId}`, admin.accessToken)).status).toBe(204);
      expect((await call('DELETE', `/api/v1/teams/${suite.owner.teamId}/members/${suite.owner.userId}`, admin.accessToken)).status).toBe(403);
      expect((await call('DELETE', `/api/v1/teams/${suite.owner.teamId}/members/${victim.userId}`, admin.accessToken)).status).toBe(404);
    });
  });

  describe('password reset by an owner', () => {
    it('sets a temporary password shown once and signs the member out', async () => {
      const member = await joinAs('forgetful@example.com', 'Fay Forgetful', Role.Member);
      const registeredRefresh = await signIn(suite.stack.baseUrl, { email: 'forgetful@example.com', password: PASSWORD });
      const reset = await call<{ temporaryPassword: string }>(
        'POST',
        `/api/v1/teams/${suite.owner.teamId}/members/${member.userId}/password-reset`,
        suite.owner.accessToken,
      );
      expect(reset.status).toBe(200);
      expect(reset.body.temporaryPassword).toMatch(/^[A-Za-z0-9_-]{20}$/);
      expect((await call('POST', '/api/v1/auth/refresh', undefined, { refreshToken: registeredRefresh.refreshToken })).status).toBe(401);
      expect((await call('POST', '/api/v1/auth/login', undefined, { email: 'forgetful@example.com', password: PASSWORD })).status).toBe(401);
      expect(
        (await call('POST', '/api/v1/auth/login', undefined, { email: 'forgetful@example.com', password: reset.body.temporaryPassword })).status,
      ).toBe(200);
    });

    it('is refused to admins, for oneself, and for someone who is also in a team the owner does not own', async () => {
      const admin = await joinAs('resetadmin@example.com', 'Ray Admin', Role.Admin);
      const target = await joinAs('target2@example.com', 'Tia Target', Role.Member);
      expect((await call('POST', `/api/v1/teams/${suite.owner.teamId}/members/${target.userId}/password-reset`, admin.accessToken)).status).toBe(403);
      expect(
        (await call('POST', `/api/v1/teams/${suite.owner.teamId}/members/${suite.owner.userId}/password-reset`, suite.owner.accessToken)).status,
      ).toBe(403);
      // The target creates a team of their own: the owner may no longer reset their password.
      await call('POST', '/api/v1/teams', target.accessToken, { name: 'Own team' });
      const refused = await call<ProblemDetails>(
        'POST',
        `/api/v1/teams/${suite.owner.teamId}/members/${target.userId}/password-reset`,
        suite.owner.accessToken,
      );
      expect(refused.status).toBe(403);
      expect(refused.body.detail).toContain('teams you do not own');
    });
  });

  describe('tenancy', () => {
    it("answers 404 for another team's members, invitations and changes, and changes nothing", async () => {
      const outsider = await joinAs('outsider@example.com', 'Otto Outsider', Role.Viewer);
      await call('DELETE', `/api/v1/teams/${suite.owner.teamId}/members/${outsider.userId}`, outsider.accessToken);
      const pending = await invite(suite.owner.accessToken, suite.owner.teamId, 'pending@example.com', Role.Viewer);

      const attempts = [
        call('GET', `/api/v1/teams/${suite.owner.teamId}/members`, outsider.accessToken),
        call('PATCH', `/api/v1/teams/${suite.owner.teamId}/members/${suite.owner.userId}`, outsider.accessToken, { role: 'viewer' }),
        call('DELETE', `/api/v1/teams/${suite.owner.teamId}/members/${suite.owner.userId}`, outsider.accessToken),
        call('GET', `/api/v1/teams/${suite.owner.teamId}/invitations`, outsider.accessToken),
        call('POST', `/api/v1/teams/${suite.owner.teamId}/invitations`, outsider.accessToken, { email: 'evil@example.com', role: 'owner' }),
        call('DELETE', `/api/v1/teams/${suite.owner.teamId}/invitations/${pending.body.id}`, outsider.accessToken),
      ];
      for (const attempt of await Promise.all(attempts)) {
        expect(attempt.status).toBe(404);
        expect((attempt.body as ProblemDetails).code).toBe(ErrorCode.NotFound);
      }
      expect((await call('POST', '/api/v1/invitations/preview', undefined, { token: pending.body.token })).status).toBe(200);
      const members = await call<Paginated<TeamMemberDto>>('GET', `/api/v1/teams/${suite.owner.teamId}/members?perPage=100`, suite.owner.accessToken);
      expect(members.body.items.find((m) => m.userId === suite.owner.userId)?.role).toBe('owner');
    });

    it('answers 400 naming the parameter for an id that is not a UUID', async () => {
      const r = await call<ProblemDetails>('GET', '/api/v1/teams/not-a-uuid/members', suite.owner.accessToken);
      expect(r.status).toBe(400);
      expect(r.body.errors).toEqual([{ field: 'teamId', message: 'teamId must be a UUID' }]);
    });
  });
});

describe('invitation tokens in the access log (built api, LOG_LEVEL=info)', () => {
  it('never writes an invitation token to the log, whether it came in a body or in a query string', async () => {
    const { token, acceptPath } = (
      await call<CreatedInvitationResponse>('POST', `/api/v1/teams/${suite.owner.teamId}/invitations`, suite.owner.accessToken, {
        email: 'logged@example.com',
        role: Role.Member,
      })
    ).body;
    expect((await call('POST', '/api/v1/invitations/preview', undefined, { token })).status).toBe(200);
    // The SPA page of the link, and a client still sending the token the old way (now a 404).
    expect((await fetch(`${suite.stack.baseUrl}${acceptPath}`)).status).toBe(200);
    expect((await fetch(`${suite.stack.baseUrl}/api/v1/invitations/preview?token=${token}`)).status).toBe(404);
    await waitFor(
      async () => (suite.stack.api.output().includes('/api/v1/invitations/preview?token=[REDACTED]') ? true : undefined),
      5_000,
      'the access log line',
    );
    expect(suite.stack.api.output()).toContain('/invitations/accept?token=[REDACTED]');
    expect(suite.stack.api.output()).not.toContain(token);
  });
});
