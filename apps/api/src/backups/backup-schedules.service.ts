import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditAction, BACKUP_LIMITS, type BackupScheduleDto, ErrorCode, type FieldError, type Paginated } from '@zpanel/contracts';
import { AppException, cronProblem, describeCron, nextRunAt, timezoneProblem } from '@zpanel/core';
import {
  ApplicationMountsRepository,
  type BackupScheduleEntity,
  type BackupScheduleFields,
  BackupDestinationsRepository,
  type BackupOwner,
  BackupSchedulesRepository,
  DatabasesRepository,
  type TeamScope,
  instanceScope,
} from '@zpanel/database';
import { DataSource } from 'typeorm';
import type { Caller } from '../access/caller';
import { AuditService } from '../audit/audit.service';
import { pageWindow, paginated } from '../http/pagination';
import type { InstanceOperator } from '../access/instance-operators.service';
import type { PageQueryDto } from '../http/pagination';
import type {
  BackupScheduleListQueryDto,
  CreateBackupScheduleDto,
  CreateInstanceBackupScheduleDto,
  UpdateBackupScheduleDto,
} from './backup-schedules.dto';

const MESSAGES = {
  source: 'exactly one of databaseId and volumeId is required',
  databaseId: 'databaseId must be the id of one of the team’s databases',
  volumeId: 'volumeId must be the id of a named volume of one of the team’s applications',
  destinationId: 'destinationId must be the id of one of the team’s backup destinations',
  retention: 'at least one of retentionCount and retentionDays is required',
} as const;

/**
 * Whose schedules: a team's (its own destinations and audit log), or the instance's (`team_id` null),
 * written to the first team's destinations and audited in its log, since its owners operate the instance.
 */
interface ScheduleOwner {
  owner: BackupOwner;
  /** Whose destinations a schedule may write to, and whose audit log records the change. */
  team: TeamScope;
  destinationMessage: string;
}

const ofTeam = (team: TeamScope): ScheduleOwner => ({ owner: team, team, destinationMessage: MESSAGES.destinationId });

function ofInstance(operator: InstanceOperator): ScheduleOwner {
  return {
    owner: instanceScope(),
    team: operator.team,
    destinationMessage: `destinationId must be one of the backup destinations of ${operator.teamName}, the instance's first team`,
  };
}

type ScheduleSource = Pick<BackupScheduleFields, 'sourceKind' | 'databaseId' | 'volumeId'>;

function refuse(problems: FieldError[]): void {
  if (problems.length > 0) throw AppException.validation(problems);
}

/** The cron and time zone as saved (trimmed), each refused naming its field. */
function checkedTiming(cron: unknown, timezone: unknown): FieldError[] {
  const problems: FieldError[] = [];
  const cronIssue = cronProblem(cron);
  if (cronIssue) problems.push({ field: 'cron', message: cronIssue });
  const zoneIssue = timezoneProblem(timezone);
  if (zoneIssue) problems.push({ field: 'timezone', message: zoneIssue });
  return problems;
}

export function scheduleDto(row: BackupScheduleEntity): BackupScheduleDto {
  return {
    id: row.id,
    teamId: row.teamId,
    sourceKind: row.sourceKind,
    databaseId: row.databaseId,
    volumeId: row.volumeId,
    destinationId: row.destinationId,
    cron: row.cron,
    timezone: row.timezone,
    description: describeCron(row.cron),
    retentionCount: row.retentionCount,
    retentionDays: row.retentionDays,
    verifyAfterBackup: row.verifyAfterBackup,
    timeoutMinutes: row.timeoutMinutes,
    enabled: row.enabled,
    nextRunAt: row.nextRunAt?.toISOString() ?? null,
    lastRunAt: row.lastRunAt?.toISOString() ?? null,
    missedSince: row.missedSince?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * Backup schedules of a team's databases and volumes (docs/backups.md, "Schedules"), and of the
 * instance's own PostgreSQL by the same rules: exactly one source (or the instance) and a destination
 * of the same team (the first team's, for the instance), a checked cron expression and time zone, retention by
 * count and/or age; the next slot is computed on save. Callers are authorized first.
 */
@Injectable()
export class BackupSchedulesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly schedules: BackupSchedulesRepository,
    private readonly destinations: BackupDestinationsRepository,
    private readonly databases: DatabasesRepository,
    private readonly mounts: ApplicationMountsRepository,
    private readonly audit: AuditService,
  ) {}

  async list(team: TeamScope, query: BackupScheduleListQueryDto): Promise<Paginated<BackupScheduleDto>> {
    return this.pageOf(team, query, { databaseId: query.databaseId, volumeId: query.volumeId });
  }

  async get(team: TeamScope, id: string): Promise<BackupScheduleDto> {
    return scheduleDto(await this.schedules.get(team, id));
  }

  async create(caller: Caller, team: TeamScope, body: CreateBackupScheduleDto): Promise<BackupScheduleDto> {
    const sourceProblems: FieldError[] = [];
    if ((body.databaseId === undefined) === (body.volumeId === undefined)) sourceProblems.push({ field: 'databaseId', message: MESSAGES.source });
    const source: ScheduleSource = {
      sourceKind: body.databaseId !== undefined ? 'database' : 'volume',
      databaseId: body.databaseId ?? null,
      volumeId: body.volumeId ?? null,
    };
    return this.createFor(caller, ofTeam(team), body, source, sourceProblems, () => this.assertSource(team, body));
  }

  async update(caller: Caller, team: TeamScope, id: string, body: UpdateBackupScheduleDto): Promise<BackupScheduleDto> {
    return this.updateFor(caller, ofTeam(team), id, body);
  }

  /** The schedule only: its backups stay (their schedule_id becomes null). */
  async remove(caller: Caller, team: TeamScope, id: string): Promise<void> {
    return this.removeFor(caller, ofTeam(team), id);
  }

  /** The instance's own schedules (docs/backups.md, "Instance backups"), oldest first; the caller is an operator. */
  listInstance(query: PageQueryDto): Promise<Paginated<BackupScheduleDto>> {
    return this.pageOf(instanceScope(), query, {});
  }

  async getInstance(id: string): Promise<BackupScheduleDto> {
    return scheduleDto(await this.schedules.getOwned(instanceScope(), id));
  }

  /** A schedule of Zpanel's own PostgreSQL, to one of the first team's destinations, by the same rules as a team's. */
  createInstance(caller: Caller, operator: InstanceOperator, body: CreateInstanceBackupScheduleDto): Promise<BackupScheduleDto> {
    return this.createFor(caller, ofInstance(operator), body, { sourceKind: 'instance', databaseId: null, volumeId: null }, [], async () => {});
  }

  updateInstance(caller: Caller, operator: InstanceOperator, id: string, body: UpdateBackupScheduleDto): Promise<BackupScheduleDto> {
    return this.updateFor(caller, ofInstance(operator), id, body);
  }

  removeInstance(caller: Caller, operator: InstanceOperator, id: string): Promise<void> {
    return this.removeFor(caller, ofInstance(operator), id);
  }

  private async pageOf(owner: BackupOwner, query: PageQueryDto, filter: { databaseId?: string; volumeId?: string }) {
    const window = pageWindow(query);
    const [rows, total] = await this.schedules.pageOf(owner, { skip: window.skip, take: window.perPage }, filter);
    return paginated(rows.map(scheduleDto), total, window);
  }

  private async createFor(
    caller: Caller,
    { owner, team, destinationMessage }: ScheduleOwner,
    body: CreateInstanceBackupScheduleDto,
    source: ScheduleSource,
    sourceProblems: FieldError[],
    assertSource: () => Promise<void>,
  ): Promise<BackupScheduleDto> {
    const problems = [...sourceProblems];
    if (body.cron === undefined) problems.push({ field: 'cron', message: 'cron is required' });
    const cron = body.cron?.trim();
    const timezone = body.timezone ?? 'UTC';
    if (cron !== undefined) problems.push(...checkedTiming(cron, timezone));
    const retentionCount = body.retentionCount ?? null;
    const retentionDays = body.retentionDays ?? null;
    if (retentionCount === null && retentionDays === null) problems.push({ field: 'retentionCount', message: MESSAGES.retention });
    refuse(problems);
    await assertSource();
    await this.assertDestination(team, body.destinationId, destinationMessage);
    if ((await this.schedules.countOf(owner)) >= BACKUP_LIMITS.schedulesPerTeam)
      throw new AppException(
        ErrorCode.Conflict,
        `${owner.teamId === null ? 'The instance has' : 'A team has'} at most ${BACKUP_LIMITS.schedulesPerTeam} backup schedules`,
      );

    const enabled = body.enabled ?? true;
    const fields: BackupScheduleFields = {
      ...source,
      destinationId: body.destinationId,
      cron: cron as string,
      timezone,
      retentionCount,
      retentionDays,
      verifyAfterBackup: body.verifyAfterBackup ?? true,
      timeoutMinutes: body.timeoutMinutes ?? 60,
      enabled,
      nextRunAt: enabled ? nextRunAt(cron as string, timezone, new Date()) : null,
    };
    const saved = await this.dataSource.transaction(async (manager) => {
      const row = await this.schedules.in(manager).add(owner, fields);
      await this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.BackupScheduleCreated,
        target: { type: 'backup_schedule', id: row.id },
        metadata: {
          sourceKind: row.sourceKind,
          databaseId: row.databaseId,
          volumeId: row.volumeId,
          destinationId: row.destinationId,
          cron: row.cron,
          timezone: row.timezone,
        },
      });
      return row;
    });
    return scheduleDto(saved);
  }

  private async updateFor(caller: Caller, { owner, team, destinationMessage }: ScheduleOwner, id: string, body: UpdateBackupScheduleDto) {
    const current = await this.schedules.getOwned(owner, id);
    const cron = body.cron?.trim() ?? current.cron;
    const timezone = body.timezone ?? current.timezone;
    const retentionCount = body.retentionCount !== undefined ? body.retentionCount : current.retentionCount;
    const retentionDays = body.retentionDays !== undefined ? body.retentionDays : current.retentionDays;
    const problems = checkedTiming(cron, timezone);
    if (retentionCount === null && retentionDays === null) problems.push({ field: 'retentionCount', message: MESSAGES.retention });
    refuse(problems);
    if (body.destinationId !== undefined) await this.assertDestination(team, body.destinationId, destinationMessage);

    const enabled = body.enabled ?? current.enabled;
    const changes: Partial<BackupScheduleFields> = {};
    const set = <K extends keyof BackupScheduleFields>(key: K, value: BackupScheduleFields[K]) => {
      if (value !== current[key]) changes[key] = value;
    };
    set('cron', cron);
    set('timezone', timezone);
    set('retentionCount', retentionCount);
    set('retentionDays', retentionDays);
    set('enabled', enabled);
    if (body.destinationId !== undefined) set('destinationId', body.destinationId);
    if (body.verifyAfterBackup !== undefined) set('verifyAfterBackup', body.verifyAfterBackup);
    if (body.timeoutMinutes !== undefined) set('timeoutMinutes', body.timeoutMinutes);
    const changed = Object.keys(changes);
    if (changed.length === 0) return scheduleDto(current);
    // A new expression, zone or re-enabling starts from now; turning it off clears the slot.
    if ('cron' in changes || 'timezone' in changes || 'enabled' in changes)
      changes.nextRunAt = enabled ? nextRunAt(cron, timezone, new Date()) : null;
    const saved = await this.dataSource.transaction(async (manager) => {
      const row = await this.schedules.in(manager).change(owner, id, changes);
      await this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.BackupScheduleUpdated,
        target: { type: 'backup_schedule', id },
        metadata: { sourceKind: current.sourceKind, changed },
      });
      return row;
    });
    return scheduleDto(saved);
  }

  private async removeFor(caller: Caller, { owner, team }: ScheduleOwner, id: string): Promise<void> {
    const current = await this.schedules.getOwned(owner, id);
    await this.dataSource.transaction(async (manager) => {
      await this.schedules.in(manager).deleteOwned(owner, id);
      await this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.BackupScheduleDeleted,
        target: { type: 'backup_schedule', id },
        metadata: { sourceKind: current.sourceKind, databaseId: current.databaseId, volumeId: current.volumeId, cron: current.cron },
      });
    });
  }

  /** Another team's database or volume is, for this team, one that does not exist: 400 naming the field. */
  private async assertSource(team: TeamScope, body: Pick<CreateBackupScheduleDto, 'databaseId' | 'volumeId'>): Promise<void> {
    if (body.databaseId !== undefined && !(await this.databases.find(team, body.databaseId)))
      refuse([{ field: 'databaseId', message: MESSAGES.databaseId }]);
    if (body.volumeId !== undefined) {
      const mount = await this.mounts.find(team, body.volumeId);
      if (!mount || mount.kind !== 'volume') refuse([{ field: 'volumeId', message: MESSAGES.volumeId }]);
    }
  }

  private async assertDestination(team: TeamScope, destinationId: string, message: string): Promise<void> {
    if (!(await this.destinations.find(team, destinationId))) refuse([{ field: 'destinationId', message }]);
  }
}
