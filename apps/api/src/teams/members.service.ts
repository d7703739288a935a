import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditAction, ErrorCode, type PageQuery, type Paginated, Role, type TeamMemberDto } from '@zpanel/contracts';
import { AuditService } from '../audit/audit.service';
import { AccessChanges } from '../access/access-changes';
import type { Caller } from '../access/caller';
import { randomBytes } from 'node:crypto';
import { AppException, hashPassword } from '@zpanel/core';
import { RefreshTokenEntity, TeamEntity, TeamMemberEntity, UserEntity } from '@zpanel/database';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { pageWindow, paginated } from '../http/pagination';

const noSuchMember = () => new AppException(ErrorCode.NotFound, 'No such member in this team');

@Injectable()
export class MembersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly accessChanges: AccessChanges,
  ) {}

  async list(teamId: string, query: PageQuery, options: { showTwoFactor: boolean }): Promise<Paginated<TeamMemberDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.dataSource
      .getRepository(TeamMemberEntity)
      .createQueryBuilder('m')
      .innerJoinAndMapOne('m.user', UserEntity, 'u', 'u.id = m.user_id')
      .where('m.team_id = :teamId', { teamId })
      .orderBy('u.name', 'ASC')
      .addOrderBy('u.id', 'ASC')
      .skip(window.skip)
      .take(window.perPage)
      .getManyAndCount();
    return paginated(
      rows.map((m) => {
        const user = (m as TeamMemberEntity & { user: UserEntity }).user;
        return {
          userId: user.id,
          name: user.name,
          email: user.email,
          role: m.role,
          ...(options.showTwoFactor ? { twoFactorEnabled: user.totpEnabledAt !== null } : {}),
          joinedAt: m.createdAt.toISOString(),
        };
      }),
      total,
      window,
    );
  }

  /**
   * Changes a member's role. Admins manage admins, members and viewers; only an owner can make or
   * unmake an owner; the last owner cannot be demoted (the team would be unmanageable).
   */
  async changeRole(caller: Caller, actorRole: Role, teamId: string, userId: string, role: Role): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const target = await this.lockMembers(manager, teamId, userId);
      if (actorRole !== Role.Owner && (role === Role.Owner || target.role === Role.Owner)) {
        throw new AppException(ErrorCode.Forbidden, 'Only an owner can grant or change the owner role');
      }
      if (target.role === role) return;
      if (target.role === Role.Owner && role !== Role.Owner) await this.assertNotLastOwner(manager, teamId);
      await manager.getRepository(TeamMemberEntity).update({ teamId, userId }, { role });
      await this.audit.record(
        {
          action: AuditAction.MemberRoleChanged,
          teamId,
          actor: caller,
          target: { type: 'user', id: userId },
          metadata: { from: target.role, to: role },
        },
        manager,
      );
    });
    await this.accessChanges.publish({ userId });
  }

  /** Removes a member, or lets one leave (`actorId === userId`). The last owner can do neither. */
  async remove(caller: Caller, actorRole: Role, teamId: string, userId: string): Promise<void> {
    const actorId = caller.userId;
    await this.dataSource.transaction(async (manager) => {
      const target = await this.lockMembers(manager, teamId, userId);
      const leaving = actorId === userId;
      if (!leaving && actorRole !== Role.Owner && actorRole !== Role.Admin)
        throw new AppException(ErrorCode.Forbidden, 'Only owners and admins can remove members');
      if (!leaving && target.role === Role.Owner && actorRole !== Role.Owner)
        throw new AppException(ErrorCode.Forbidden, 'Only an owner can remove an owner');
      if (target.role === Role.Owner) await this.assertNotLastOwner(manager, teamId);
      await manager.getRepository(TeamMemberEntity).delete({ teamId, userId });
      await this.audit.record(
        {
          action: leaving ? AuditAction.MemberLeft : AuditAction.MemberRemoved,
          teamId,
          actor: caller,
          target: { type: 'user', id: userId },
          metadata: { role: target.role },
        },
        manager,
      );
    });
    await this.accessChanges.publish({ userId });
  }

  /**
   * Sets a generated temporary password for a member and ends their sessions (no email here to
   * send a reset link). Only when the caller owns every team the member is in: otherwise an owner
   * of one team could take over an account that also reaches teams they do not own.
   */
  async resetPassword(caller: Caller, teamId: string, userId: string): Promise<string> {
    if (caller.userId === userId) throw new AppException(ErrorCode.Forbidden, 'Change your own password from your profile');
    const memberships = this.dataSource.getRepository(TeamMemberEntity);
    if (!(await memberships.existsBy({ teamId, userId }))) throw noSuchMember();
    const foreignTeams = await memberships
      .createQueryBuilder('m')
      .where('m.user_id = :userId', { userId })
      .andWhere(`NOT EXISTS (SELECT 1 FROM team_members o WHERE o.team_id = m.team_id AND o.user_id = :callerId AND o.role = 'owner')`, {
        callerId: caller.userId,
      })
      .getCount();
    if (foreignTeams > 0)
      throw new AppException(ErrorCode.Forbidden, 'This person is also in teams you do not own: they must reset their password themselves');
    const temporaryPassword = randomBytes(15).toString('base64url');
    await this.dataSource.transaction(async (manager) => {
      await manager
        .getRepository(UserEntity)
        .update({ id: userId }, { passwordHash: await hashPassword(temporaryPassword), passwordChangedAt: new Date() });
      await manager.getRepository(RefreshTokenEntity).update({ userId, revokedAt: IsNull() }, { revokedAt: new Date() });
      await this.audit.record({ action: AuditAction.PasswordResetByOwner, teamId, actor: caller, target: { type: 'user', id: userId } }, manager);
    });
    await this.accessChanges.publish({ userId });
    return temporaryPassword;
  }

  /** Locks the team row so that two concurrent demotions cannot both pass the last-owner check. */
  private async lockMembers(manager: EntityManager, teamId: string, userId: string): Promise<TeamMemberEntity> {
    await manager.getRepository(TeamEntity).createQueryBuilder('t').setLock('pessimistic_write').where('t.id = :teamId', { teamId }).getOne();
    const target = await manager.getRepository(TeamMemberEntity).findOneBy({ teamId, userId });
    if (!target) throw noSuchMember();
    return target;
  }

  private async assertNotLastOwner(manager: EntityManager, teamId: string): Promise<void> {
    const owners = await manager.getRepository(TeamMemberEntity).countBy({ teamId, role: Role.Owner });
    if (owners <= 1) throw new AppException(ErrorCode.Conflict, 'The team needs at least one owner: make someone else owner first');
  }
}
