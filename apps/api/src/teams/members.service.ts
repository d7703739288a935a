import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditAction, ErrorCode, type PageQuery, type Paginated, Role, type TeamMemberDto } from '@zpanel/contracts';
import { AuditService } from '../audit/audit.service';
import { AccessChanges } from '../access/access-changes';
import type { Caller } from '../access/caller';
import { randomBytes } from 'node:crypto';
import { AppException, hashPassword } from '@zpanel/core';
import {
  RefreshTokensRepository,
  type TeamMemberEntity,
  TeamMembersRepository,
  type TeamScope,
  TeamsRepository,
  UsersRepository,
} from '@zpanel/database';
import { DataSource, type EntityManager } from 'typeorm';
import { pageWindow, paginated } from '../http/pagination';

const noSuchMember = () => new AppException(ErrorCode.NotFound, 'No such member in this team');

@Injectable()
export class MembersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly members: TeamMembersRepository,
    private readonly teams: TeamsRepository,
    private readonly users: UsersRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly audit: AuditService,
    private readonly accessChanges: AccessChanges,
  ) {}

  async list(team: TeamScope, query: PageQuery, options: { showTwoFactor: boolean }): Promise<Paginated<TeamMemberDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.members.pageWithUsers(team, { skip: window.skip, take: window.perPage });
    return paginated(
      rows.map(({ membership, user }) => ({
        userId: user.id,
        name: user.name,
        email: user.email,
        role: membership.role,
        ...(options.showTwoFactor ? { twoFactorEnabled: user.totpEnabledAt !== null } : {}),
        joinedAt: membership.createdAt.toISOString(),
      })),
      total,
      window,
    );
  }

  /**
   * Changes a member's role. Admins manage admins, members and viewers; only an owner can make or
   * unmake an owner; the last owner cannot be demoted (the team would be unmanageable).
   */
  async changeRole(caller: Caller, actorRole: Role, team: TeamScope, userId: string, role: Role): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const target = await this.lockMembers(manager, team, userId);
      if (actorRole !== Role.Owner && (role === Role.Owner || target.role === Role.Owner)) {
        throw new AppException(ErrorCode.Forbidden, 'Only an owner can grant or change the owner role');
      }
      if (target.role === role) return;
      if (target.role === Role.Owner && role !== Role.Owner) await this.assertNotLastOwner(manager, team);
      await this.members.in(manager).setRole(team, userId, role);
      await this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.MemberRoleChanged,
        target: { type: 'user', id: userId },
        metadata: { from: target.role, to: role },
      });
    });
    await this.accessChanges.publish({ userId });
  }

  /** Removes a member, or lets one leave (`actorId === userId`). The last owner can do neither. */
  async remove(caller: Caller, actorRole: Role, team: TeamScope, userId: string): Promise<void> {
    const actorId = caller.userId;
    await this.dataSource.transaction(async (manager) => {
      const target = await this.lockMembers(manager, team, userId);
      const leaving = actorId === userId;
      if (!leaving && actorRole !== Role.Owner && actorRole !== Role.Admin)
        throw new AppException(ErrorCode.Forbidden, 'Only owners and admins can remove members');
      if (!leaving && target.role === Role.Owner && actorRole !== Role.Owner)
        throw new AppException(ErrorCode.Forbidden, 'Only an owner can remove an owner');
      if (target.role === Role.Owner) await this.assertNotLastOwner(manager, team);
      await this.members.in(manager).remove(team, userId);
      await this.audit.recordInTeam(manager, team, caller, {
        action: leaving ? AuditAction.MemberLeft : AuditAction.MemberRemoved,
        target: { type: 'user', id: userId },
        metadata: { role: target.role },
      });
    });
    await this.accessChanges.publish({ userId });
  }

  /**
   * Sets a generated temporary password for a member and ends their sessions (no email here to
   * send a reset link). Only when the caller owns every team the member is in: otherwise an owner
   * of one team could take over an account that also reaches teams they do not own.
   */
  async resetPassword(caller: Caller, team: TeamScope, userId: string): Promise<string> {
    if (caller.userId === userId) throw new AppException(ErrorCode.Forbidden, 'Change your own password from your profile');
    if (!(await this.members.isMember(team, userId))) throw noSuchMember();
    if ((await this.members.countTeamsNotOwnedBy(userId, caller.userId)) > 0)
      throw new AppException(ErrorCode.Forbidden, 'This person is also in teams you do not own: they must reset their password themselves');
    const temporaryPassword = randomBytes(15).toString('base64url');
    await this.dataSource.transaction(async (manager) => {
      await this.users.in(manager).setPassword(userId, await hashPassword(temporaryPassword));
      await this.refreshTokens.in(manager).revokeAllOf(userId);
      await this.audit.record(
        { action: AuditAction.PasswordResetByOwner, teamId: team.teamId, actor: caller, target: { type: 'user', id: userId } },
        manager,
      );
    });
    await this.accessChanges.publish({ userId });
    return temporaryPassword;
  }

  /** Locks the team row so that two concurrent demotions cannot both pass the last-owner check. */
  private async lockMembers(manager: EntityManager, team: TeamScope, userId: string): Promise<TeamMemberEntity> {
    await this.teams.in(manager).lock(team);
    const target = await this.members.in(manager).find(team, userId);
    if (!target) throw noSuchMember();
    return target;
  }

  private async assertNotLastOwner(manager: EntityManager, team: TeamScope): Promise<void> {
    const owners = await this.members.in(manager).countOwners(team);
    if (owners <= 1) throw new AppException(ErrorCode.Conflict, 'The team needs at least one owner: make someone else owner first');
  }
}
