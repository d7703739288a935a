import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  AuditAction,
  type BackUpNowRequest,
  type BackupDto,
  type BackupWithLogDto,
  ErrorCode,
  type PageQuery,
  type Paginated,
} from '@zpanel/contracts';
import { AppException } from '@zpanel/core';
import { BackupDestinationsRepository, BackupsRepository, UsersRepository, instanceScope } from '@zpanel/database';
import { JobProducer, enqueueBackupRun } from '@zpanel/queue';
import { DataSource } from 'typeorm';
import type { Caller } from '../access/caller';
import type { InstanceOperator } from '../access/instance-operators.service';
import { AuditService } from '../audit/audit.service';
import { toBackupDto } from '../backups/backups.service';
import { pageWindow, paginated } from '../http/pagination';

/**
 * Instance backups (docs/backups.md, "Instance backups"): rows owned by the instance (`team_id`
 * null), written to a destination of the first team, run by the worker like any backup
 * (`sourceKind: 'instance'`). Callers are checked by InstanceOperatorsService first.
 */
@Injectable()
export class SystemBackupsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly backups: BackupsRepository,
    private readonly destinations: BackupDestinationsRepository,
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
    private readonly jobs: JobProducer,
  ) {}

  async list(query: PageQuery): Promise<Paginated<BackupDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.backups.pageOf(instanceScope(), { skip: window.skip, take: window.perPage });
    return paginated(rows.map(toBackupDto), total, window);
  }

  async get(id: string): Promise<BackupWithLogDto> {
    const row = await this.backups.getOwned(instanceScope(), id);
    return { ...toBackupDto(row), log: row.log };
  }

  /** Queues a backup of Zpanel's own database to one of the first team's destinations; one at a time. */
  async backUpNow(caller: Caller, operator: InstanceOperator, input: BackUpNowRequest): Promise<BackupDto> {
    const actorName = (await this.users.findById(caller.userId))?.name ?? '';
    const backup = await this.dataSource.transaction(async (manager) => {
      if (!(await this.destinations.in(manager).find(operator.team, input.destinationId))) {
        throw new AppException(ErrorCode.ValidationFailed, 'Invalid request', [
          {
            field: 'destinationId',
            message: `destinationId must be one of the backup destinations of ${operator.teamName}, the instance's first team`,
          },
        ]);
      }
      // One instance backup at a time: a second dump of the same database would only double the load.
      const [[running]] = await this.backups.in(manager).pageOf(instanceScope(), { skip: 0, take: 1 }, { status: 'running' });
      const [[queued]] = await this.backups.in(manager).pageOf(instanceScope(), { skip: 0, take: 1 }, { status: 'queued' });
      const active = running ?? queued;
      if (active) throw new AppException(ErrorCode.Conflict, `An instance backup is already ${active.status} (${active.id}): wait until it finishes`);
      const added = await this.backups.in(manager).addQueued(instanceScope(), {
        sourceKind: 'instance',
        databaseId: null,
        volumeId: null,
        serverId: null,
        destinationId: input.destinationId,
        trigger: 'manual',
        verifyAfterBackup: input.verify ?? true,
        engine: 'postgresql',
        userId: caller.userId,
        tokenId: caller.kind === 'token' ? caller.tokenId : null,
        actorName,
      });
      if (!added) throw new AppException(ErrorCode.Conflict, 'An instance backup is already queued or running');
      // In the first team's log: its owners are the ones who act for the instance.
      await this.audit.recordInTeam(manager, operator.team, caller, {
        action: AuditAction.BackupRequested,
        target: { type: 'backup', id: added.id },
        metadata: { sourceKind: 'instance', destinationId: input.destinationId, verify: input.verify ?? true },
      });
      return added;
    });
    await enqueueBackupRun(this.jobs, backup.id);
    return toBackupDto(backup);
  }
}
