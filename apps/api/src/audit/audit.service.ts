import { Injectable } from '@nestjs/common';
import { type AuditAction, type AuditEventDto, type AuditEventQuery, type PageQuery, type Paginated } from '@zpanel/contracts';
import { AuditEventsRepository, type TeamScope, UsersRepository } from '@zpanel/database';
import type { EntityManager } from 'typeorm';
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
  constructor(
    private readonly events: AuditEventsRepository,
    private readonly users: UsersRepository,
  ) {}

  /** Without a manager the row is written on its own: only for events that are themselves the action (a failed login). */
  async record(event: AuditRecord, manager?: EntityManager): Promise<void> {
    const request = currentRequest();
    await (manager ? this.events.in(manager) : this.events).append({
      teamId: event.teamId,
      action: event.action,
      actorUserId: event.actor?.userId ?? null,
      actorTokenId: event.actor?.kind === 'token' ? event.actor.tokenId : null,
      targetType: event.target?.type ?? null,
      targetId: event.target?.id ?? null,
      ip: request?.ip?.slice(0, 64) ?? null,
      userAgent: request?.userAgent?.slice(0, 256) ?? null,
      metadata: event.metadata ?? {},
    });
  }

  /** `record` of what `caller` changed in `team`, in the transaction of `manager` that makes the change. */
  recordInTeam(
    manager: EntityManager,
    team: TeamScope,
    caller: AuditRecord['actor'],
    event: Pick<AuditRecord, 'action' | 'target' | 'metadata'>,
  ): Promise<void> {
    return this.record({ ...event, teamId: team.teamId, actor: caller }, manager);
  }

  /** The team's events and its current members' account events, newest first (see `AuditEventsRepository.pageForTeam`). */
  async list(team: TeamScope, query: PageQuery & AuditEventQuery): Promise<Paginated<AuditEventDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.events.pageForTeam(team, query, { skip: window.skip, take: window.perPage });
    const names = await this.users.namesOf(rows.map((r) => r.actorUserId));
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
