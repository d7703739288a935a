import { randomUUID } from 'node:crypto';
import { Role } from '@zpanel/contracts';
import { useMigratedDatabase } from '../testing';
import { AuditEventsRepository } from './audit-events.repository';
import { InvitationsRepository } from './invitations.repository';
import { RecoveryCodesRepository } from './recovery-codes.repository';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { TeamMembersRepository } from './team-members.repository';
import { type TeamScope, teamScope } from './team-scope';
import { TeamsRepository } from './teams.repository';
import { UsersRepository } from './users.repository';

/** The conditional updates and scoped queries the identity services rely on, against real Postgres. */
describe('identity repositories', () => {
  const db = useMigratedDatabase('identity-repositories');
  const repositories = () => {
    const manager = db.source.manager;
    return {
      users: new UsersRepository(manager),
      teams: new TeamsRepository(manager),
      members: new TeamMembersRepository(manager),
      invitations: new InvitationsRepository(manager),
      refreshTokens: new RefreshTokensRepository(manager),
      recoveryCodes: new RecoveryCodesRepository(manager),
      audit: new AuditEventsRepository(manager),
    };
  };
  const addUser = (name: string, email = `${name}-${randomUUID()}@example.com`) => repositories().users.create({ email, name, passwordHash: 'hash' });
  const addTeam = async (name: string): Promise<TeamScope> => teamScope((await repositories().teams.create(name)).id);

  it('matches emails in any case, and names users by id leaving out nulls and unknown ids', async () => {
    const { users } = repositories();
    const ada = await addUser('Ada', `Ada.${randomUUID()}@Example.com`);
    expect((await users.findByEmail(ada.email.toUpperCase()))?.id).toBe(ada.id);
    expect(await users.emailTaken(ada.email.toLowerCase())).toBe(true);
    expect(await users.emailTaken(`nobody-${randomUUID()}@example.com`)).toBe(false);
    expect(await users.namesOf([ada.id, null, randomUUID(), ada.id])).toEqual(new Map([[ada.id, 'Ada']]));
  });

  it('accepts each TOTP step once and only forward, and no new enrollment once 2FA is on', async () => {
    const { users } = repositories();
    const { id } = await addUser('Totp');
    expect(await users.startTotpEnrollment(id, 'sealed-1')).toBe(true);
    expect(await users.enableTotp(id, 'sealed-other', 10)).toBe(false);
    expect(await users.enableTotp(id, 'sealed-1', 10)).toBe(true);
    expect(await users.startTotpEnrollment(id, 'sealed-2')).toBe(false);
    const steps = await Promise.all([users.recordTotpStep(id, 'sealed-1', 11), users.recordTotpStep(id, 'sealed-1', 11)]);
    expect(steps.sort()).toEqual([false, true]);
    expect(await users.recordTotpStep(id, 'sealed-1', 10)).toBe(false);
    await users.disableTotp(id);
    expect(await users.recordTotpStep(id, 'sealed-1', 12)).toBe(false);
  });

  it('spends a refresh token once, and a session ends with its family', async () => {
    const { refreshTokens } = repositories();
    const { id: userId } = await addUser('Sessions');
    const [kept, ended] = [randomUUID(), randomUUID()];
    const expiresAt = new Date(Date.now() + 60_000);
    for (const familyId of [kept, ended]) {
      await refreshTokens.add({ userId, familyId, tokenHash: `hash-${familyId}`, expiresAt, ip: null, userAgent: null });
    }
    const row = await refreshTokens.findByTokenHash(`hash-${ended}`);
    expect(row?.familyId).toBe(ended);
    expect((await Promise.all([refreshTokens.spend(row!.id), refreshTokens.spend(row!.id)])).sort()).toEqual([false, true]);
    await refreshTokens.revokeAllOfExcept(userId, kept);
    expect(await refreshTokens.isLive(ended, userId)).toBe(false);
    expect(await refreshTokens.isLive(kept, userId)).toBe(true);
    expect(await refreshTokens.isLive(kept, randomUUID())).toBe(false);
    await refreshTokens.revokeAllOf(userId);
    expect(await refreshTokens.isLive(kept, userId)).toBe(false);
  });

  it('spends a recovery code once, and replacing the codes drops the old ones', async () => {
    const { recoveryCodes } = repositories();
    const { id: userId } = await addUser('Recovery');
    await recoveryCodes.replace(userId, ['a', 'b']);
    expect((await Promise.all([recoveryCodes.spend(userId, 'a'), recoveryCodes.spend(userId, 'a')])).sort()).toEqual([false, true]);
    await recoveryCodes.replace(userId, ['c']);
    expect(await recoveryCodes.spend(userId, 'b')).toBe(false);
    expect(await recoveryCodes.spend(randomUUID(), 'c')).toBe(false);
    expect(await recoveryCodes.spend(userId, 'c')).toBe(true);
  });

  it('claims an invitation once, and a new one replaces only the same address in the same team', async () => {
    const { invitations } = repositories();
    const [ours, theirs] = [await addTeam('Ours'), await addTeam('Theirs')];
    const { id: inviter } = await addUser('Inviter');
    const invite = (team: TeamScope, email: string) =>
      invitations.create(team, { email, role: Role.Member, tokenHash: randomUUID(), invitedBy: inviter, expiresAt: new Date(Date.now() + 60_000) });
    const grace = await invite(ours, 'grace@example.com');
    const other = await invite(ours, 'other@example.com');
    const elsewhere = await invite(theirs, 'grace@example.com');
    await invitations.revokePendingFor(ours, 'GRACE@example.com');
    const revokedAt = async (id: string) => (await invitations.findByIdAcrossTeams(id))?.revokedAt ?? null;
    expect(await revokedAt(grace.id)).not.toBeNull();
    expect(await revokedAt(other.id)).toBeNull();
    expect(await revokedAt(elsewhere.id)).toBeNull();

    const { id: joiner } = await addUser('Joiner');
    expect(await invitations.claim(grace.id, joiner)).toBe(false);
    expect((await Promise.all([invitations.claim(other.id, joiner), invitations.claim(other.id, joiner)])).sort()).toEqual([false, true]);
    await invitations.revoke(ours, elsewhere.id);
    expect(await revokedAt(elsewhere.id)).toBeNull();
  });

  it('keeps members to their team: email lookups, pages, owners and the teams a reset would reach', async () => {
    const { members } = repositories();
    const [ours, theirs] = [await addTeam('Ours'), await addTeam('Theirs')];
    const owner = await addUser('Owner');
    const zed = await addUser('Zed');
    const amy = await addUser('Amy');
    await members.add(ours, owner.id, Role.Owner);
    await members.add(ours, zed.id, Role.Member);
    await members.add(ours, amy.id, Role.Viewer);
    await members.add(theirs, zed.id, Role.Owner);

    expect(await members.hasMemberWithEmail(ours, amy.email.toUpperCase())).toBe(true);
    expect(await members.hasMemberWithEmail(theirs, amy.email)).toBe(false);
    const [page, total] = await members.pageWithUsers(ours, { skip: 0, take: 2 });
    expect(total).toBe(3);
    expect(page.map(({ user, membership }) => [user.name, membership.role])).toEqual([
      ['Amy', Role.Viewer],
      ['Owner', Role.Owner],
    ]);
    expect(await members.countOwners(ours)).toBe(1);
    expect(await members.countTeamsNotOwnedBy(amy.id, owner.id)).toBe(0);
    expect(await members.countTeamsNotOwnedBy(zed.id, owner.id)).toBe(1);
    expect((await members.teamsOf(zed.id)).map(({ team }) => team.name)).toEqual(['Ours', 'Theirs']);

    await members.remove(theirs, amy.id);
    expect(await members.isMember(ours, amy.id)).toBe(true);
    await members.setRole(theirs, amy.id, Role.Owner);
    expect((await members.find(ours, amy.id))?.role).toBe(Role.Viewer);
  });

  it("lists a team's events and its current members' account events, not other teams' or people's", async () => {
    const { audit, members } = repositories();
    const [ours, theirs] = [await addTeam('Ours'), await addTeam('Theirs')];
    const member = await addUser('Member');
    const stranger = await addUser('Stranger');
    await members.add(ours, member.id, Role.Member);
    const event = (action: string, fields: { teamId?: string; actorUserId?: string; targetId?: string }) =>
      audit.append({
        action,
        teamId: fields.teamId ?? null,
        actorUserId: fields.actorUserId ?? null,
        actorTokenId: null,
        targetType: fields.targetId ? 'user' : null,
        targetId: fields.targetId ?? null,
        ip: null,
        userAgent: null,
        metadata: {},
      });
    await event('ours', { teamId: ours.teamId });
    await event('theirs', { teamId: theirs.teamId, actorUserId: member.id });
    await event('signed-in', { actorUserId: member.id });
    await event('failed-login', { targetId: member.id });
    await event('stranger-signed-in', { actorUserId: stranger.id });

    const [rows, total] = await audit.pageForTeam(ours, {}, { skip: 0, take: 10 });
    expect(total).toBe(3);
    expect(rows.map((r) => r.action)).toEqual(['failed-login', 'signed-in', 'ours']);
    const [filtered] = await audit.pageForTeam(ours, { actorId: member.id }, { skip: 0, take: 10 });
    expect(filtered.map((r) => r.action)).toEqual(['signed-in']);
  });
});
