import { Ability, type CreatedApiTokenResponse, type InstanceBackupAccessDto, Role } from '@zpanel/contracts';
import { joinTeam, signIn, useOwnedStack } from '@zpanel/testing';

const PASSWORD = 'a long enough password 1';

describe('instance backups (System)', () => {
  const suite = useOwnedStack();

  describe('who may manage them', () => {
    it("lets the owners of the instance's first team in, and an admin token of that team, and no one else", async () => {
      const { call, owner } = suite;
      const access = (token: string) => call<InstanceBackupAccessDto>('GET', '/api/v1/system/backups/access', token);
      const first = await access(owner.accessToken);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ allowed: true, teamId: owner.teamId, teamName: expect.any(String), reason: null });
      const teamName = first.body.teamName;

      // An admin of the first team is not an owner.
      const admin = await joinTeam(call, owner, 'instance-admin@example.com', Role.Admin, { password: PASSWORD });
      expect((await access(admin.accessToken)).body).toEqual({
        allowed: false,
        teamId: owner.teamId,
        teamName,
        reason: `Instance backups are managed by the owners of ${teamName}, the instance's first team`,
      });

      // The owner of a team created later is not an instance operator either.
      const created = await call('POST', '/api/v1/teams', admin.accessToken, { name: 'Later team' });
      expect(created.status).toBe(201);
      expect((await access(admin.accessToken)).body.allowed).toBe(false);

      // A second owner of the first team is.
      const coOwner = await joinTeam(call, owner, 'instance-co-owner@example.com', Role.Owner, { password: PASSWORD });
      expect((await access(coOwner.accessToken)).body.allowed).toBe(true);

      const token = async (abilities: Ability[]) => {
        const made = await call<CreatedApiTokenResponse>('POST', `/api/v1/teams/${owner.teamId}/api-tokens`, owner.accessToken, {
          name: abilities.join('+'),
          abilities,
        });
        expect(made.status).toBe(201);
        return made.body.token;
      };
      expect((await access(await token([Ability.Admin]))).body.allowed).toBe(true);
      expect((await access(await token([Ability.Read, Ability.Write, Ability.ReadSensitive]))).body).toMatchObject({
        allowed: false,
        reason: 'This API token lacks the admin ability',
      });
      // The first team's owner signing in again is still one (a fresh session, same answer).
      const again = await signIn(suite.stack.baseUrl, owner.credentials);
      expect((await access(again.accessToken)).body.allowed).toBe(true);
    });
  });
});
