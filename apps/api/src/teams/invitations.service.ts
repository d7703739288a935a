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
import {
  type InvitationEntity,
  InvitationsRepository,
  TeamMembersRepository,
  type TeamScope,
  TeamsRepository,
  type UserEntity,
  UsersRepository,
  teamScope,
} from '@zpanel/database';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Mailer } from '../mail/mailer.service';
import type { Caller } from '../access/caller';
import { pageWindow, paginated } from '../http/pagination';
import type { RateLimit } from '../http/rate-limiter';
import { toTeamMembershipDto } from './teams.service';

const invalid = (detail = 'This invitation was already used, revoked, or has expired: ask for a new one') =>
  new AppException(ErrorCode.InvitationInvalid, detail);

/** Requests per client address to the invitee's endpoints (preview, accept, register): tokens are not guessed. */
export const invitationAddressLimit = (ip: string | undefined): RateLimit => ({
  key: `invitation:address:${ip ?? 'unknown'}`,
  limit: 30,
  windowMs: 60_000,
});

function acceptPathOf(token: string): string {
  return `/invitations/accept?token=${encodeURIComponent(token)}`;
}

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
    private readonly invitations: InvitationsRepository,
    private readonly members: TeamMembersRepository,
    private readonly teams: TeamsRepository,
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
    private readonly mailer: Mailer,
  ) {}

  async create(
    caller: Caller,
    actor: { userId: string; role: Role; team: TeamScope },
    input: { email: string; role: Role },
  ): Promise<CreatedInvitationResponse> {
    if (input.role === Role.Owner && actor.role !== Role.Owner) throw new AppException(ErrorCode.Forbidden, 'Only an owner can invite an owner');
    const { team } = actor;
    if (await this.members.hasMemberWithEmail(team, input.email))
      throw new AppException(ErrorCode.Conflict, `${input.email} is already a member of this team`, [
        { field: 'email', message: 'already a member' },
      ]);

    const token = generateOpaqueToken('zpi');
    const saved = await this.dataSource.transaction(async (manager) => {
      const invitations = this.invitations.in(manager);
      // A new invitation for the same address replaces any pending one: one valid link per person.
      await invitations.revokePendingFor(team, input.email);
      const invitation = await invitations.create(team, {
        email: input.email,
        role: input.role,
        tokenHash: hashOpaqueToken(token),
        invitedBy: actor.userId,
        expiresAt: new Date(Date.now() + INVITATION_TTL_HOURS * 3600_000),
      });
      await this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.InvitationCreated,
        target: { type: 'invitation', id: invitation.id },
        metadata: { email: input.email, role: input.role },
      });
      return invitation;
    });
    const [dto] = await this.toDtos([saved]);
    const acceptPath = acceptPathOf(token);
    return { ...dto, token, acceptPath, emailed: await this.email(team, saved, acceptPath, actor.userId) };
  }

  /**
   * A pending invitation gets a new link (the old one stops working) and a new expiry, emailed
   * again when the instance can send email; the new token is returned, like at creation.
   */
  async resend(caller: Caller, actor: { userId: string; team: TeamScope }, id: string): Promise<CreatedInvitationResponse> {
    const { team } = actor;
    const invitation = await this.invitations.find(team, id);
    if (!invitation) throw new AppException(ErrorCode.NotFound, 'No such invitation in this team');
    if (statusOf(invitation) !== 'pending')
      throw new AppException(ErrorCode.Conflict, `The invitation is already ${statusOf(invitation)}: invite again`);
    const token = generateOpaqueToken('zpi');
    const expiresAt = new Date(Date.now() + INVITATION_TTL_HOURS * 3600_000);
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.invitations.in(manager).renew(team, id, { tokenHash: hashOpaqueToken(token), expiresAt })))
        throw new AppException(ErrorCode.Conflict, 'The invitation is no longer pending: invite again');
      await this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.InvitationResent,
        target: { type: 'invitation', id },
        metadata: { email: invitation.email },
      });
    });
    const [dto] = await this.toDtos([{ ...invitation, expiresAt }]);
    const acceptPath = acceptPathOf(token);
    return { ...dto, token, acceptPath, emailed: await this.email(team, { ...invitation, expiresAt }, acceptPath, actor.userId) };
  }

  /** Emails the link to the invited address when the instance has SMTP settings and a public URL; whether it was queued. */
  private async email(team: TeamScope, invitation: InvitationEntity, acceptPath: string, inviterId: string): Promise<boolean> {
    const status = await this.mailer.status().catch(() => null);
    const link = status?.smtp ? Mailer.link(status, acceptPath) : null;
    if (!link) return false;
    // The invitation exists already: a failure here leaves it to be shared by link (`emailed: false`).
    const found = await Promise.all([this.teams.get(team), this.users.namesOf([inviterId])]).catch(() => null);
    if (!found) return false;
    const [teamRow, names] = found;
    const inviter = names.get(inviterId) ?? 'Someone';
    return this.mailer.send({
      to: invitation.email,
      subject: `Zpanel: ${inviter} invited you to ${teamRow.name}`,
      text: [
        `${inviter} invited you to join the team ${teamRow.name} on Zpanel as ${invitation.role}.`,
        '',
        `Open this link to accept (it works once, until ${invitation.expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC):`,
        link,
        '',
        'If you did not expect this invitation, you can ignore this email.',
        '',
      ].join('\n'),
    });
  }

  async list(team: TeamScope, query: PageQuery): Promise<Paginated<InvitationDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.invitations.page(team, { skip: window.skip, take: window.perPage }, { createdAt: 'DESC', id: 'ASC' });
    return paginated(await this.toDtos(rows), total, window);
  }

  async revoke(caller: Caller, team: TeamScope, id: string): Promise<void> {
    const invitation = await this.invitations.find(team, id);
    if (!invitation) throw new AppException(ErrorCode.NotFound, 'No such invitation in this team');
    if (statusOf(invitation) !== 'pending') throw new AppException(ErrorCode.Conflict, `The invitation is already ${statusOf(invitation)}`);
    await this.dataSource.transaction(async (manager) => {
      await this.invitations.in(manager).revoke(team, id);
      await this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.InvitationRevoked,
        target: { type: 'invitation', id },
        metadata: { email: invitation.email },
      });
    });
  }

  async preview(token: string): Promise<InvitationPreviewResponse> {
    const invitation = await this.pendingIn(this.invitations, token);
    const team = await this.teams.get(this.teamOf(invitation));
    const accountExists = await this.users.emailTaken(invitation.email);
    return { teamName: team.name, email: invitation.email, role: invitation.role, expiresAt: invitation.expiresAt.toISOString(), accountExists };
  }

  /** Accepts as `user`, whose email must be the invited one. Single use, even under concurrency. */
  async accept(manager: EntityManager, token: string, user: UserEntity): Promise<TeamMembershipDto> {
    const invitation = await this.findPending(manager, token);
    if (invitation.email.toLowerCase() !== user.email.toLowerCase()) {
      throw new AppException(ErrorCode.Forbidden, `This invitation is for ${invitation.email}: sign in with that account`);
    }
    if (!(await this.invitations.in(manager).claim(invitation.id, user.id))) throw invalid();
    const team = this.teamOf(invitation);
    const members = this.members.in(manager);
    if (await members.isMember(team, user.id)) throw new AppException(ErrorCode.Conflict, 'You are already a member of this team');
    const membership = await members.add(team, user.id, invitation.role);
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
    return toTeamMembershipDto({ membership, team: await this.teams.in(manager).get(team) });
  }

  /** `accept` for a signed-in person. */
  async acceptAs(userId: string, token: string): Promise<TeamMembershipDto> {
    const user = await this.users.getById(userId);
    return this.dataSource.transaction((manager) => this.accept(manager, token, user));
  }

  findPending(manager: EntityManager, token: string): Promise<InvitationEntity> {
    return this.pendingIn(this.invitations.in(manager), token);
  }

  private async pendingIn(invitations: InvitationsRepository, token: string): Promise<InvitationEntity> {
    if (!isWellFormedToken(token, 'zpi')) throw invalid('This invitation link is not valid');
    const invitation = await invitations.findByTokenHash(hashOpaqueToken(token));
    if (!invitation) throw invalid('This invitation link is not valid');
    const status = statusOf(invitation);
    if (status !== 'pending') throw invalid(`This invitation is ${status === 'expired' ? 'expired' : `already ${status}`}: ask for a new one`);
    return invitation;
  }

  /** A pending invitation's token is the invitee's access to its team: the scope comes from the invitation. */
  private teamOf(invitation: InvitationEntity): TeamScope {
    return teamScope(invitation.teamId);
  }

  private async toDtos(rows: InvitationEntity[]): Promise<InvitationDto[]> {
    const names = await this.users.namesOf(rows.map((r) => r.invitedBy));
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
