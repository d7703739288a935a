import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type AuditAction, type AuditEventDto, type AuditEventQuery, type PageQuery, type Paginated } from '@zpanel/contracts';
import { AuditEventEntity, TeamMemberEntity, UserEntity } from '@zpanel/database';
import { DataSource, type EntityManager } from 'typeorm';
import type { Caller } from '../access/caller';
import { pageWindow, paginated } from '../http/pagination';
import { currentRequest } from '../http/request-store';

export interface AuditRecord {
  action: AuditAction;
  /** Null for account events (sign-in, 2FA). */
  teamId: string | null;
  actor: Caller | { kind: 'user'; userId: string } | null;
  target?: { type: string; id: string };
  metadata?: Record<string, unknown>;
}

/**
 * Writes and reads the audit log. A change and its audit row are one transaction: callers pass the
 * EntityManager of the transaction that makes the change, or record before an action they cannot
 * roll back (a command sent to a server). A row that cannot be written fails the call, so no
 * action happens unrecorded.
 */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Without a manager the row is written on its own: only for events that are themselves the action (a failed login). */
  async record(event: AuditRecord, manager: EntityManager = this.dataSource.manager): Promise<void> {
    const request = currentRequest();
    const events = manager.getRepository(AuditEventEntity);
    await events.save(
      events.create({
        teamId: event.teamId,
        action: event.action,
        actorUserId: event.actor?.userId ?? null,
        actorTokenId: event.actor?.kind === 'token' ? event.actor.tokenId : null,
        targetType: event.target?.type ?? null,
        targetId: event.target?.id ?? null,
        ip: request?.ip?.slice(0, 64) ?? null,
        userAgent: request?.userAgent?.slice(0, 256) ?? null,
        metadata: event.metadata ?? {},
      }),
    );
  }

  /**
   * The team's own events, plus account events (sign-ins, failed attempts, 2FA) of its current
   * members, whether the member acted or was the target (a failed login has no actor).
   */
  async list(teamId: string, query: PageQuery & AuditEventQuery): Promise<Paginated<AuditEventDto>> {
    const window = pageWindow(query);
    const members = this.dataSource
      .getRepository(TeamMemberEntity)
      .createQueryBuilder('m')
      .select('m.user_id')
      .where('m.team_id = :teamId')
      .getQuery();
    const qb = this.dataSource
      .getRepository(AuditEventEntity)
      .createQueryBuilder('e')
      .where(
        `(e.team_id = :teamId OR (e.team_id IS NULL AND (e.actor_user_id IN (${members}) OR (e.target_type = 'user' AND e.target_id IN (SELECT m2.user_id::text FROM team_members m2 WHERE m2.team_id = :teamId)))))`,
        { teamId },
      );
    if (query.action) qb.andWhere('e.action = :action', { action: query.action });
    if (query.actorId) qb.andWhere('e.actor_user_id = :actorId', { actorId: query.actorId });
    if (query.since) qb.andWhere('e.created_at >= :since', { since: query.since });
    if (query.until) qb.andWhere('e.created_at <= :until', { until: query.until });
    const [rows, total] = await qb
      .orderBy('e.created_at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .skip(window.skip)
      .take(window.perPage)
      .getManyAndCount();

    const actorIds = [...new Set(rows.map((r) => r.actorUserId).filter((id): id is string => id !== null))];
    const actors = actorIds.length ? await this.dataSource.getRepository(UserEntity).findBy(actorIds.map((id) => ({ id }))) : [];
    const names = new Map(actors.map((u) => [u.id, u.name]));
    return paginated(
      rows.map((r) => ({
        id: r.id,
        teamId: r.teamId,
        action: r.action as AuditAction,
        actor: r.actorTokenId
          ? { type: 'token' as const, id: r.actorTokenId, name: r.actorUserId ? (names.get(r.actorUserId) ?? null) : null }
          : r.actorUserId
            ? { type: 'user' as const, id: r.actorUserId, name: names.get(r.actorUserId) ?? null }
            : { type: 'anonymous' as const, id: null, name: null },
        target: r.targetType && r.targetId ? { type: r.targetType, id: r.targetId } : null,
        ip: r.ip,
        userAgent: r.userAgent,
        metadata: r.metadata,
        createdAt: r.createdAt.toISOString(),
      })),
      total,
      window,
    );
  }
}
