import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  AuditAction,
  type CreatedInvitationResponse,
  ErrorCode,
  INVITATION_TTL_HOURS,
  type InvitationDto,
  type InvitationPreviewResponse,
  type InvitationStatus,
  type PageQuery,
  type Paginated,
  Role,
  type TeamMembershipDto,
} from '@zpanel/contracts';
import { AppException, generateOpaqueToken, hashOpaqueToken, isWellFormedToken } from '@zpanel/core';
import { InvitationEntity, TeamEntity, TeamMemberEntity, UserEntity } from '@zpanel/database';
import { DataSource, type EntityManager, IsNull, MoreThan } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Caller } from '../access/caller';
import { pageWindow, paginated } from '../http/pagination';

const invalid = (detail = 'This invitation was already used, revoked, or has expired: ask for a new one') =>
  new AppException(ErrorCode.InvitationInvalid, detail);

function statusOf(invitation: InvitationEntity, now = Date.now()): InvitationStatus {
  if (invitation.acceptedAt) return 'accepted';
  if (invitation.revokedAt) return 'revoked';
  return invitation.expiresAt.getTime() <= now ? 'expired' : 'pending';
}

/**
 * Email invitations to a team: single-use tokens (only their hash is stored), bound to the invited
 * address, expiring after INVITATION_TTL_HOURS, revocable.
 */
@Injectable()
export class InvitationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  private get invitations() {
    return this.dataSource.getRepository(InvitationEntity);
  }

  async create(
    caller: Caller,
    actor: { userId: string; role: Role },
    teamId: string,
    input: { email: string; role: Role },
  ): Promise<CreatedInvitationResponse> {
    if (input.role === Role.Owner && actor.role !== Role.Owner) throw new AppException(ErrorCode.Forbidden, 'Only an owner can invite an owner');
    const alreadyMember = await this.dataSource
      .getRepository(TeamMemberEntity)
      .createQueryBuilder('m')
      .innerJoin(UserEntity, 'u', 'u.id = m.user_id')
      .where('m.team_id = :teamId AND lower(u.email) = lower(:email)', { teamId, email: input.email })
      .getExists();
    if (alreadyMember)
      throw new AppException(ErrorCode.Conflict, `${input.email} is already a member of this team`, [
        { field: 'email', message: 'already a member' },
      ]);

    const token = generateOpaqueToken('zpi');
    const saved = await this.dataSource.transaction(async (manager) => {
      // A new invitation for the same address replaces any pending one: one valid link per person.
      await manager
        .getRepository(InvitationEntity)
        .createQueryBuilder()
        .update()
        .set({ revokedAt: () => 'now()' })
        .where('team_id = :teamId AND lower(email) = lower(:email) AND accepted_at IS NULL AND revoked_at IS NULL', { teamId, email: input.email })
        .execute();
      const invitation = await manager.getRepository(InvitationEntity).save({
        teamId,
        email: input.email,
        role: input.role,
        tokenHash: hashOpaqueToken(token),
        invitedBy: actor.userId,
        expiresAt: new Date(Date.now() + INVITATION_TTL_HOURS * 3600_000),
      });
      await this.audit.record(
        {
          action: AuditAction.InvitationCreated,
          teamId,
          actor: caller,
          target: { type: 'invitation', id: invitation.id },
          metadata: { email: input.email, role: input.role },
        },
        manager,
      );
      return invitation;
    });
    const [dto] = await this.toDtos([saved]);
    return { ...dto, token, acceptPath: `/invitations/accept?token=${encodeURIComponent(token)}` };
  }

  async list(teamId: string, query: PageQuery): Promise<Paginated<InvitationDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.invitations.findAndCount({
      where: { teamId },
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: window.skip,
      take: window.perPage,
    });
    return paginated(await this.toDtos(rows), total, window);
  }

  async revoke(caller: Caller, teamId: string, id: string): Promise<void> {
    const invitation = await this.invitations.findOneBy({ id, teamId });
    if (!invitation) throw new AppException(ErrorCode.NotFound, 'No such invitation in this team');
    if (statusOf(invitation) !== 'pending') throw new AppException(ErrorCode.Conflict, `The invitation is already ${statusOf(invitation)}`);
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(InvitationEntity).update({ id, revokedAt: IsNull() }, { revokedAt: new Date() });
      await this.audit.record(
        { action: AuditAction.InvitationRevoked, teamId, actor: caller, target: { type: 'invitation', id }, metadata: { email: invitation.email } },
        manager,
      );
    });
  }

  async preview(token: string): Promise<InvitationPreviewResponse> {
    const invitation = await this.findPending(this.dataSource.manager, token);
    const team = await this.dataSource.getRepository(TeamEntity).findOneByOrFail({ id: invitation.teamId });
    const accountExists = await this.dataSource
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .where('lower(u.email) = lower(:email)', { email: invitation.email })
      .getExists();
    return { teamName: team.name, email: invitation.email, role: invitation.role, expiresAt: invitation.expiresAt.toISOString(), accountExists };
  }

  /** Accepts as `user`, whose email must be the invited one. Single use, even under concurrency. */
  async accept(manager: EntityManager, token: string, user: UserEntity): Promise<TeamMembershipDto> {
    const invitation = await this.findPending(manager, token);
    if (invitation.email.toLowerCase() !== user.email.toLowerCase()) {
      throw new AppException(ErrorCode.Forbidden, `This invitation is for ${invitation.email}: sign in with that account`);
    }
    const claimed = await manager
      .getRepository(InvitationEntity)
      .update(
        { id: invitation.id, acceptedAt: IsNull(), revokedAt: IsNull(), expiresAt: MoreThan(new Date()) },
        { acceptedAt: new Date(), acceptedBy: user.id },
      );
    if (!claimed.affected) throw invalid();
    const existing = await manager.getRepository(TeamMemberEntity).findOneBy({ teamId: invitation.teamId, userId: user.id });
    if (existing) throw new AppException(ErrorCode.Conflict, 'You are already a member of this team');
    const membership = await manager.getRepository(TeamMemberEntity).save({ teamId: invitation.teamId, userId: user.id, role: invitation.role });
    await this.audit.record(
      {
        action: AuditAction.MemberJoined,
        teamId: invitation.teamId,
        actor: { kind: 'user', userId: user.id },
        target: { type: 'invitation', id: invitation.id },
        metadata: { role: invitation.role },
      },
      manager,
    );
    const team = await manager.getRepository(TeamEntity).findOneByOrFail({ id: invitation.teamId });
    return { teamId: team.id, teamName: team.name, role: membership.role, joinedAt: membership.createdAt.toISOString() };
  }

  async findPending(manager: EntityManager, token: string): Promise<InvitationEntity> {
    if (!isWellFormedToken(token, 'zpi')) throw invalid('This invitation link is not valid');
    const invitation = await manager.getRepository(InvitationEntity).findOneBy({ tokenHash: hashOpaqueToken(token) });
    if (!invitation) throw invalid('This invitation link is not valid');
    const status = statusOf(invitation);
    if (status !== 'pending') throw invalid(`This invitation is ${status === 'expired' ? 'expired' : `already ${status}`}: ask for a new one`);
    return invitation;
  }

  private async toDtos(rows: InvitationEntity[]): Promise<InvitationDto[]> {
    const inviterIds = [...new Set(rows.map((r) => r.invitedBy).filter((id): id is string => id !== null))];
    const inviters = inviterIds.length ? await this.dataSource.getRepository(UserEntity).findBy(inviterIds.map((id) => ({ id }))) : [];
    const names = new Map(inviters.map((u) => [u.id, u.name]));
    return rows.map((r) => ({
      id: r.id,
      teamId: r.teamId,
      email: r.email,
      role: r.role,
      status: statusOf(r),
      invitedBy: r.invitedBy ? { id: r.invitedBy, name: names.get(r.invitedBy) ?? 'unknown' } : null,
      expiresAt: r.expiresAt.toISOString(),
      createdAt: r.createdAt.toISOString(),
    }));
  }
}
