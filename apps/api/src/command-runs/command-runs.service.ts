import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  AuditAction,
  COMMAND_TIMEOUT_SECONDS,
  type CommandRunDto,
  type CommandRunSummaryDto,
  type CreateCommandRunRequest,
  ErrorCode,
  LiveTopics,
  type PageQuery,
  type Paginated,
} from '@zpanel/contracts';
import { AppException, InjectLogger, SecretBox } from '@zpanel/core';
import { type CommandRunEntity, CommandRunsRepository, type TeamScope, UsersRepository, commandOutputAad } from '@zpanel/database';
import { JobProducer, LiveStreams, enqueueCommandRun } from '@zpanel/queue';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Caller } from '../access/caller';
import { pageWindow, paginated } from '../http/pagination';

function toSummary(r: CommandRunEntity): CommandRunSummaryDto {
  return {
    id: r.id,
    teamId: r.teamId,
    serverId: r.serverId,
    actor: { type: r.tokenId ? 'token' : 'user', userId: r.userId, tokenId: r.tokenId, name: r.actorName },
    command: r.command,
    timeoutSeconds: r.timeoutSeconds,
    status: r.status,
    exitCode: r.exitCode,
    error: r.error,
    outputTruncated: r.outputTruncated,
    cancelRequested: r.cancelRequestedAt !== null && (r.status === 'queued' || r.status === 'running'),
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}

/** Opens the sealed output; '' is a run with no output saved yet. */
function openOutput(box: SecretBox, r: CommandRunEntity): string {
  return r.output === '' ? '' : box.open(r.output, commandOutputAad(r.id));
}

const noSuchRun = () => new AppException(ErrorCode.NotFound, 'No such command run');

/**
 * Command runs (ChatOps): the API stores the run and queues it; the worker runs it and fills in the
 * outcome. Callers are authorized on the run's server before any method here is called.
 */
@Injectable()
export class CommandRunsService {
  private readonly logger: Logger;
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly runs: CommandRunsRepository,
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
    private readonly jobs: JobProducer,
    private readonly live: LiveStreams,
    @InjectLogger() logger: Logger,
    private readonly box: SecretBox,
  ) {
    this.logger = logger.child({ component: 'command-runs' });
  }

  async create(caller: Caller, team: TeamScope, serverId: string, input: CreateCommandRunRequest): Promise<CommandRunDto> {
    const person = await this.users.findById(caller.userId);
    // The run and its audit row commit together, before the job is queued: a run whose audit row
    // cannot be written is refused and never reaches the server. The command is what the audit is
    // for; its output may hold secrets and is never copied there.
    const row = await this.dataSource.transaction(async (manager) => {
      const saved = await this.runs.in(manager).add(team, {
        serverId,
        userId: caller.userId,
        tokenId: caller.kind === 'token' ? caller.tokenId : null,
        actorName: person?.name ?? 'unknown',
        command: input.command,
        timeoutSeconds: input.timeoutSeconds ?? COMMAND_TIMEOUT_SECONDS.default,
        status: 'queued',
        output: '',
        outputTruncated: false,
      });
      await this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.ServerCommandRun,
        target: { type: 'server', id: serverId },
        metadata: { runId: saved.id, command: saved.command, timeoutSeconds: saved.timeoutSeconds },
      });
      return saved;
    });
    // Read before the job exists: the answer is the run as queued, not whatever a fast worker made of it already.
    const queued = await this.get(team, serverId, row.id);
    try {
      await enqueueCommandRun(this.jobs, row.id);
    } catch (error) {
      // The row is the truth: the worker's reaper queues a run whose job never made it to Redis.
      this.logger.warn({ err: error, runId: row.id }, 'command run not queued yet; the reaper will queue it');
    }
    return queued;
  }

  async list(team: TeamScope, serverId: string, query: PageQuery): Promise<Paginated<CommandRunSummaryDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.runs.pageOfServer(team, serverId, { skip: window.skip, take: window.perPage });
    return paginated(rows.map(toSummary), total, window);
  }

  /** A run of this server only: a run id of another server is as missing as an unknown one. */
  async get(team: TeamScope, serverId: string, runId: string): Promise<CommandRunDto> {
    const row = await this.runs.findOfServer(team, serverId, runId);
    if (!row) throw noSuchRun();
    return { ...toSummary(row), output: openOutput(this.box, row) };
  }

  /**
   * A queued run is cancelled at once (the worker will skip it); a running one is flagged, and the
   * worker running it kills the command within about a second. In one statement, so a run the
   * worker claims meanwhile is flagged rather than marked cancelled behind the worker's back.
   */
  async cancel(caller: Caller, team: TeamScope, serverId: string, runId: string): Promise<CommandRunDto> {
    const updated = await this.dataSource.transaction(async (manager) => {
      const row = await this.runs.in(manager).requestCancel(team, serverId, runId);
      if (!row) {
        const current = await this.get(team, serverId, runId);
        throw new AppException(ErrorCode.Conflict, `The run already finished (${current.status})`);
      }
      await this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.ServerCommandCancelled,
        target: { type: 'server', id: serverId },
        metadata: { runId },
      });
      return row;
    });
    if (updated.status === 'cancelled') {
      // No worker will touch it again: the API ends its live topic itself.
      await this.live.append(LiveTopics.commandRun(runId), { type: 'finished', status: 'cancelled', exitCode: null }).catch((error: unknown) => {
        this.logger.warn({ err: error, runId }, 'cancel of a queued run not sent live');
      });
    }
    return this.get(team, serverId, runId);
  }
}
