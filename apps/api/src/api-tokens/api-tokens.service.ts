import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  Ability,
  AuditAction,
  type ApiTokenDto,
  type CreatedApiTokenResponse,
  ErrorCode,
  type PageQuery,
  type Paginated,
  ROLE_ABILITIES,
  type Role,
} from '@zpanel/contracts';
import { AppException, generateOpaqueToken, hashOpaqueToken } from '@zpanel/core';
import { type ApiTokenEntity, ApiTokensRepository, type TeamScope, UsersRepository } from '@zpanel/database';
import { DataSource } from 'typeorm';
import { pageWindow, paginated } from '../http/pagination';
import { AuditService } from '../audit/audit.service';
import { AccessChanges } from '../access/access-changes';
import type { Caller } from '../access/caller';

@Injectable()
export class ApiTokensService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: ApiTokensRepository,
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
    private readonly accessChanges: AccessChanges,
  ) {}

  async create(
    actor: { userId: string; role: Role; team: TeamScope },
    input: { name: string; abilities: Ability[]; expiresAt?: string },
  ): Promise<CreatedApiTokenResponse> {
    const allowed = ROLE_ABILITIES[actor.role];
    const excess = input.abilities.filter((a) => !allowed.includes(a));
    if (excess.length > 0) {
      throw new AppException(ErrorCode.Forbidden, `Your role (${actor.role}) cannot grant ${excess.join(', ')}`, [
        { field: 'abilities', message: `abilities may include only ${allowed.join(', ')}` },
      ]);
    }
    const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now())
      throw AppException.validation([{ field: 'expiresAt', message: 'expiresAt must be in the future' }]);
    const token = generateOpaqueToken('zp');
    const saved = await this.dataSource.transaction(async (manager) => {
      const row = await this.tokens.in(manager).create(actor.team, {
        createdBy: actor.userId,
        name: input.name,
        abilities: [...new Set(input.abilities)],
        tokenHash: hashOpaqueToken(token),
        tokenPrefix: token.slice(0, 10),
        expiresAt,
      });
      await this.audit.record(
        {
          action: AuditAction.ApiTokenCreated,
          teamId: actor.team.teamId,
          actor: { kind: 'user', userId: actor.userId },
          target: { type: 'api_token', id: row.id },
          metadata: { name: row.name, abilities: row.abilities },
        },
        manager,
      );
      return row;
    });
    const [dto] = await this.toDtos([saved]);
    return { ...dto, token };
  }

  /** Admins see every token of the team; others see the ones they created. */
  async list(team: TeamScope, viewer: { userId: string; isAdmin: boolean }, query: PageQuery): Promise<Paginated<ApiTokenDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.tokens.pageNewestFirst(
      team,
      { skip: window.skip, take: window.perPage },
      viewer.isAdmin ? undefined : viewer.userId,
    );
    return paginated(await this.toDtos(rows), total, window);
  }

  /**
   * Revokes a token of the team: its creator or an admin may. An API token acting here may always
   * revoke itself; any other token only with `write` and every ability that token holds, so a
   * leaked weak token cannot take down the stronger tokens of the same person.
   */
  async revoke(
    team: TeamScope,
    tokenId: string,
    actor: { userId: string; isAdmin: boolean; abilities: readonly Ability[]; caller: Caller },
  ): Promise<void> {
    const row = await this.tokens.find(team, tokenId);
    if (!row) throw new AppException(ErrorCode.NotFound, 'No such API token in this team');
    if (!actor.isAdmin && row.createdBy !== actor.userId)
      throw new AppException(ErrorCode.Forbidden, "Only the token's creator or an admin can revoke it");
    if (actor.caller.kind === 'token' && actor.caller.tokenId !== tokenId) {
      const missing = [Ability.Write, ...row.abilities].filter((a, i, all) => all.indexOf(a) === i && !actor.abilities.includes(a));
      if (missing.length > 0) {
        throw new AppException(
          ErrorCode.Forbidden,
          `This API token cannot revoke another token without ${missing.join(', ')}: it may revoke only itself or tokens with no more abilities than it has`,
        );
      }
    }
    if (row.revokedAt) throw new AppException(ErrorCode.Conflict, 'The token is already revoked');
    await this.dataSource.transaction(async (manager) => {
      await this.tokens.in(manager).revoke(team, tokenId);
      await this.audit.record(
        {
          action: AuditAction.ApiTokenRevoked,
          teamId: team.teamId,
          actor: actor.caller,
          target: { type: 'api_token', id: tokenId },
          metadata: { name: row.name },
        },
        manager,
      );
    });
    await this.accessChanges.publish({ userId: row.createdBy });
  }

  private async toDtos(rows: ApiTokenEntity[]): Promise<ApiTokenDto[]> {
    const names = await this.users.namesOf(rows.map((r) => r.createdBy));
    return rows.map((r) => ({
      id: r.id,
      teamId: r.teamId,
      name: r.name,
      abilities: r.abilities,
      tokenPrefix: r.tokenPrefix,
      createdBy: names.has(r.createdBy) ? { id: r.createdBy, name: names.get(r.createdBy) as string } : null,
      expiresAt: r.expiresAt?.toISOString() ?? null,
      lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
      revokedAt: r.revokedAt?.toISOString() ?? null,
      createdAt: r.createdAt.toISOString(),
    }));
  }
}
