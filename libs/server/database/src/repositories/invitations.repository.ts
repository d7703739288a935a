import type { Role } from '@zpanel/contracts';
import { type EntityTarget, IsNull, MoreThan } from 'typeorm';
import { InvitationEntity } from '../entities';
import { TeamOwnedRepository } from './entity-repository';
import type { TeamScope } from './team-scope';

export class InvitationsRepository extends TeamOwnedRepository<InvitationEntity> {
  protected readonly target: EntityTarget<InvitationEntity> = InvitationEntity;
  readonly noun = 'invitation';

  /**
   * Revokes the pending invitations of `email` (any case) in the team: a new invitation for the same
   * address replaces them, one valid link per person.
   */
  async revokePendingFor(team: TeamScope, email: string): Promise<void> {
    await this.rows
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()' })
      .where('team_id = :teamId AND lower(email) = lower(:email) AND accepted_at IS NULL AND revoked_at IS NULL', { teamId: team.teamId, email })
      .execute();
  }

  create(team: TeamScope, input: { email: string; role: Role; tokenHash: string; invitedBy: string; expiresAt: Date }): Promise<InvitationEntity> {
    return this.rows.save({ ...input, teamId: team.teamId });
  }

  async revoke(team: TeamScope, id: string): Promise<void> {
    await this.rows.update(this.scoped(team, { id, revokedAt: IsNull() }), { revokedAt: new Date() });
  }

  /**
   * Gives a pending invitation a new token and expiry (sent again): the old link stops working.
   * False when it is no longer pending.
   */
  async renew(team: TeamScope, id: string, change: { tokenHash: string; expiresAt: Date }): Promise<boolean> {
    const renewed = await this.rows.update(
      this.scoped(team, { id, acceptedAt: IsNull(), revokedAt: IsNull(), expiresAt: MoreThan(new Date()) }),
      change,
    );
    return (renewed.affected ?? 0) > 0;
  }

  /** The invitation a token is for: the token is the invitee's credential, whatever the team. */
  findByTokenHash(tokenHash: string): Promise<InvitationEntity | null> {
    return this.rows.findOneBy({ tokenHash });
  }

  /** Marks it accepted by `userId` while it is still pending: single use, even under concurrency. */
  async claim(id: string, userId: string): Promise<boolean> {
    const claimed = await this.rows.update(
      { id, acceptedAt: IsNull(), revokedAt: IsNull(), expiresAt: MoreThan(new Date()) },
      { acceptedAt: new Date(), acceptedBy: userId },
    );
    return (claimed.affected ?? 0) > 0;
  }
}
