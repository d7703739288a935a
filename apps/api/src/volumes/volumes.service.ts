import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  AuditAction,
  type CreateVolumeRequest,
  ErrorCode,
  type FieldError,
  JobName,
  type MountDto,
  type OrphanedVolumeDto,
  type UpdateMountRequest,
  VOLUME_LIMITS,
  type VolumeDto,
  type VolumeOperation,
  type VolumeOperationResult,
  type VolumeUsageDto,
} from '@zpanel/contracts';
import {
  type AppConfig,
  AppException,
  InjectConfig,
  SecretBox,
  type ZpanelDockerNames,
  bindHostPathProblem,
  mountPathProblem,
  overlappingMountPaths,
  volumeNameProblem,
  zpanelDockerNames,
} from '@zpanel/core';
import {
  type ApplicationEntity,
  type ApplicationMountEntity,
  ApplicationMountsRepository,
  ApplicationsRepository,
  ServersRepository,
  type TeamScope,
  mountContentAad,
} from '@zpanel/database';
import { JobProducer } from '@zpanel/queue';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { Caller } from '../access/caller';
import { AuditService } from '../audit/audit.service';
import { PG_UNIQUE_VIOLATION, violatedConstraint } from '../applications/pg-errors';
import type { CreateMountDto } from './volumes.dto';

/** The server answers within this, or the request is told so (the API never talks to Docker itself). */
const OPERATION_TIMEOUT_MS = 30_000;

const problem = (field: string, message: string | null): FieldError[] => (message ? [{ field, message: `${field} ${message}` }] : []);

/**
 * The storage of applications (docs/volumes.md): named volumes and bind mounts and files, checked
 * here against the path rules before saving and again by the worker before each container starts.
 * A preview follows the application it previews, so its mounts are changed there. Secret file
 * contents are sealed bound to their row and never returned.
 */
@Injectable()
export class VolumesService {
  private readonly names: ZpanelDockerNames;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mounts: ApplicationMountsRepository,
    private readonly applications: ApplicationsRepository,
    private readonly servers: ServersRepository,
    private readonly box: SecretBox,
    private readonly audit: AuditService,
    private readonly jobs: JobProducer,
    @InjectConfig() config: AppConfig,
  ) {
    this.names = zpanelDockerNames(config.docker.namespace);
  }

  /** A preview's are the previewed application's, each a Docker volume of the preview's own (named from its id). */
  async listVolumes(team: TeamScope, applicationId: string): Promise<VolumeDto[]> {
    const app = await this.applications.get(team, applicationId);
    return (await this.volumeRowsOf(team, app)).map((row) => this.volumeDto(row, app.id));
  }

  private volumeRowsOf(team: TeamScope, app: ApplicationEntity): Promise<ApplicationMountEntity[]> {
    return this.mounts.ofApplication(team, app.previewOfId ?? app.id, ['volume']);
  }

  async addVolume(caller: Caller, team: TeamScope, applicationId: string, input: CreateVolumeRequest): Promise<VolumeDto> {
    const problems = [...problem('name', volumeNameProblem(input.name)), ...problem('mountPath', mountPathProblem(input.mountPath))];
    if (problems.length > 0) throw AppException.validation(problems);
    const row = await this.write(team, applicationId, 'mountPath', async (manager, app, others) => {
      if (others.some((m) => m.kind === 'volume' && m.name === input.name))
        throw new AppException(ErrorCode.Conflict, `The application already has a volume named ${input.name}`, [
          { field: 'name', message: 'already used by another volume of the application' },
        ]);
      this.assertNoOverlap(input.mountPath, others, 'mountPath');
      const added = await this.mounts.in(manager).add(team, randomUUID(), {
        applicationId,
        kind: 'volume',
        name: input.name,
        mountPath: input.mountPath,
        hostPath: null,
        readOnly: false,
        content: null,
        secret: false,
      });
      await this.record(manager, caller, team, app, { added: 'volume', name: input.name, mountPath: input.mountPath });
      return added;
    });
    return this.volumeDto(row);
  }

  /** The volume leaves the application; its data stays on the server, listed as orphaned until removed there. */
  async removeVolume(caller: Caller, team: TeamScope, applicationId: string, volumeId: string): Promise<void> {
    await this.write(team, applicationId, null, async (manager, app) => {
      const row = await this.mounts.in(manager).findOfApplication(team, applicationId, volumeId, ['volume']);
      if (!row) throw new AppException(ErrorCode.NotFound, 'No such volume');
      await this.mounts.in(manager).deleteOne(team, row.id);
      await this.record(manager, caller, team, app, { removed: 'volume', name: row.name, mountPath: row.mountPath });
    });
  }

  /** What the server's Docker says of the application's volumes (created yet, size). */
  async volumeUsage(team: TeamScope, applicationId: string): Promise<VolumeUsageDto[]> {
    const app = await this.applications.get(team, applicationId);
    const rows = await this.volumeRowsOf(team, app);
    if (rows.length === 0) return [];
    const dockerNames = rows.map((row) => this.names.appVolume(app.id, row.name as string));
    const result = await this.onServer({ serverId: app.serverId, op: 'usage', dockerNames });
    const found = new Map((result.volumes ?? []).map((v) => [v.dockerName, v]));
    return rows.map((row, i) => ({
      name: row.name as string,
      dockerName: dockerNames[i],
      exists: found.has(dockerNames[i]),
      sizeBytes: found.get(dockerNames[i])?.sizeBytes ?? null,
    }));
  }

  async listMounts(team: TeamScope, applicationId: string): Promise<MountDto[]> {
    await this.applications.get(team, applicationId);
    return (await this.mounts.ofApplication(team, applicationId, ['bind', 'file'])).map((row) => this.mountDto(row));
  }

  async addMount(caller: Caller, team: TeamScope, applicationId: string, input: CreateMountDto): Promise<MountDto> {
    const application = await this.applications.get(team, applicationId);
    const fields = await this.mountFields(team, application, input.kind, input, null);
    const id = randomUUID();
    const row = await this.write(team, applicationId, 'mountPath', async (manager, app, others) => {
      this.assertNoOverlap(fields.mountPath, others, 'mountPath');
      const added = await this.mounts.in(manager).add(team, id, { ...fields, content: this.sealed(id, fields) });
      await this.record(manager, caller, team, app, { added: input.kind, mountPath: fields.mountPath, hostPath: fields.hostPath });
      return added;
    });
    return this.mountDto(row);
  }

  async updateMount(caller: Caller, team: TeamScope, applicationId: string, mountId: string, input: UpdateMountRequest): Promise<MountDto> {
    const application = await this.applications.get(team, applicationId);
    const current = await this.mounts.findOfApplication(team, applicationId, mountId, ['bind', 'file']);
    if (!current) throw new AppException(ErrorCode.NotFound, 'No such mount');
    const kind = current.kind as 'bind' | 'file';
    const merged = {
      mountPath: input.mountPath ?? current.mountPath,
      hostPath: input.hostPath ?? current.hostPath ?? undefined,
      readOnly: input.readOnly ?? current.readOnly,
      secret: input.secret ?? current.secret,
      // A secret is never read back: turning secret off takes the content sent again.
      content: input.content ?? (current.secret && input.secret === false ? undefined : this.open(current)),
    };
    if (kind === 'file' && current.secret && input.secret === false && input.content === undefined)
      throw AppException.validation([{ field: 'content', message: 'content must be sent again to make a secret file plain' }]);
    const onlyOf = kind === 'bind' ? ['content', 'secret'] : ['hostPath', 'readOnly'];
    const misplaced = onlyOf.filter((field) => input[field as keyof UpdateMountRequest] !== undefined);
    if (misplaced.length > 0)
      throw AppException.validation(misplaced.map((field) => ({ field, message: `${field} does not apply to a ${kind} mount` })));
    const fields = await this.mountFields(team, application, kind, merged, current.hostPath);
    const row = await this.write(team, applicationId, 'mountPath', async (manager, app, others) => {
      this.assertNoOverlap(
        fields.mountPath,
        others.filter((m) => m.id !== mountId),
        'mountPath',
      );
      const changed = await this.mounts.in(manager).change(team, mountId, { ...fields, content: this.sealed(mountId, fields) });
      await this.record(manager, caller, team, app, {
        changed: kind,
        mountPath: fields.mountPath,
        hostPath: fields.hostPath,
        fields: Object.keys(input).filter((key) => input[key as keyof UpdateMountRequest] !== undefined),
      });
      return changed;
    });
    return this.mountDto(row);
  }

  async removeMount(caller: Caller, team: TeamScope, applicationId: string, mountId: string): Promise<void> {
    await this.write(team, applicationId, null, async (manager, app) => {
      const row = await this.mounts.in(manager).findOfApplication(team, applicationId, mountId, ['bind', 'file']);
      if (!row) throw new AppException(ErrorCode.NotFound, 'No such mount');
      await this.mounts.in(manager).deleteOne(team, row.id);
      await this.record(manager, caller, team, app, { removed: row.kind, mountPath: row.mountPath, hostPath: row.hostPath });
    });
  }

  /**
   * The team's volumes on the server that no application of the team mounts any more: made for an
   * application since deleted (without deleteVolumes), or a volume removed from its application.
   */
  async orphaned(team: TeamScope, serverId: string): Promise<OrphanedVolumeDto[]> {
    const onServer = (await this.onServer({ serverId, op: 'list-team', teamId: team.teamId })).volumes ?? [];
    const mounted = await this.mountedDockerNames(
      team,
      onServer.map((v) => v.applicationId).filter((id): id is string => id !== null),
    );
    return onServer
      .filter((v) => v.applicationId !== null && v.name !== null && !mounted.has(v.dockerName))
      .map((v) => ({
        dockerName: v.dockerName,
        applicationId: v.applicationId as string,
        name: v.name as string,
        sizeBytes: v.sizeBytes,
        createdAt: v.createdAt,
      }))
      .sort((a, b) => (a.dockerName < b.dockerName ? -1 : 1));
  }

  /** Removes one orphaned volume of the team, with its data. A volume an application still mounts is refused (409). */
  async removeOrphan(caller: Caller, team: TeamScope, serverId: string, dockerName: string): Promise<void> {
    const orphan = (await this.orphaned(team, serverId)).find((v) => v.dockerName === dockerName);
    if (!orphan) {
      throw new AppException(
        ErrorCode.NotFound,
        'No such orphaned volume of the team on this server (a mounted volume is removed from its application first)',
      );
    }
    await this.dataSource.transaction(async (manager) => {
      await this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.VolumeRemoved,
        target: { type: 'server', id: serverId },
        metadata: { dockerName, applicationId: orphan.applicationId, name: orphan.name },
      });
    });
    await this.onServer({ serverId, op: 'remove', teamId: team.teamId, dockerName });
  }

  /** Docker names of the volumes the team's applications (of these ids) mount now. */
  private async mountedDockerNames(team: TeamScope, applicationIds: string[]): Promise<Set<string>> {
    const live = new Set<string>();
    for (const id of [...new Set(applicationIds)]) if (await this.applications.find(team, id)) live.add(id);
    const rows = await this.mounts.volumesOfApplications(team, [...live]);
    return new Set(rows.map((row) => this.names.appVolume(row.applicationId, row.name as string)));
  }

  /** The checked columns of a bind mount or a file; every problem at once, naming its field. */
  private async mountFields(
    team: TeamScope,
    application: ApplicationEntity,
    kind: 'bind' | 'file',
    input: { mountPath: string; hostPath?: string; readOnly?: boolean; content?: string; secret?: boolean },
    currentHostPath: string | null,
  ): Promise<Omit<ApplicationMountEntity, 'id' | 'teamId' | 'createdAt' | 'updatedAt'>> {
    const problems = problem('mountPath', mountPathProblem(input.mountPath));
    if (kind === 'bind') {
      if (input.content !== undefined) problems.push({ field: 'content', message: 'content applies to a file, not a bind mount' });
      if (input.secret) problems.push({ field: 'secret', message: 'secret applies to a file, not a bind mount' });
      if (input.hostPath === undefined) problems.push({ field: 'hostPath', message: 'hostPath is required for a bind mount' });
      else if (input.hostPath !== currentHostPath) {
        const server = await this.servers.get(team, application.serverId);
        problems.push(...problem('hostPath', bindHostPathProblem(input.hostPath, server.allowedBindRoots)));
      }
    } else {
      if (input.hostPath !== undefined) problems.push({ field: 'hostPath', message: 'hostPath applies to a bind mount, not a file' });
      if (input.readOnly === false) problems.push({ field: 'readOnly', message: 'a file is always read-only' });
      if (input.content === undefined) problems.push({ field: 'content', message: 'content is required for a file' });
      else if (Buffer.byteLength(input.content, 'utf8') > VOLUME_LIMITS.fileContentBytes)
        problems.push({ field: 'content', message: `content must be at most ${VOLUME_LIMITS.fileContentBytes} bytes` });
    }
    if (problems.length > 0) throw AppException.validation(problems);
    return kind === 'bind'
      ? {
          applicationId: application.id,
          kind,
          name: null,
          mountPath: input.mountPath,
          hostPath: input.hostPath as string,
          readOnly: input.readOnly ?? false,
          content: null,
          secret: false,
        }
      : {
          applicationId: application.id,
          kind,
          name: null,
          mountPath: input.mountPath,
          hostPath: null,
          readOnly: true,
          content: input.content as string,
          secret: input.secret ?? false,
        };
  }

  /** A secret file's content sealed for its row; other content as it is. */
  private sealed(id: string, fields: Pick<ApplicationMountEntity, 'content' | 'secret'>): string | null {
    return fields.content !== null && fields.secret ? this.box.seal(fields.content, mountContentAad(id)) : fields.content;
  }

  private open(row: ApplicationMountEntity): string | undefined {
    if (row.content === null) return undefined;
    return row.secret ? this.box.open(row.content, mountContentAad(row.id)) : row.content;
  }

  /**
   * One change of an application's mounts, with the application row locked (so the count and
   * overlap checks hold until commit) and refused for a preview. A unique path taken meanwhile is a
   * 409 naming `pathField`.
   */
  private async write<T>(
    team: TeamScope,
    applicationId: string,
    pathField: string | null,
    change: (manager: EntityManager, app: ApplicationEntity, others: ApplicationMountEntity[]) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const app = await this.applications.in(manager).getLocked(team, applicationId, 'for_no_key_update');
        if (app.previewOfId)
          throw new AppException(ErrorCode.Conflict, 'A preview follows the mounts of the application it previews: change them there');
        const others = await this.mounts.in(manager).ofApplication(team, applicationId);
        if (pathField && others.length >= VOLUME_LIMITS.mountsPerApplication)
          throw new AppException(ErrorCode.Conflict, `At most ${VOLUME_LIMITS.mountsPerApplication} volumes and mounts per application`, [
            { field: pathField, message: 'no room for another mount' },
          ]);
        return change(manager, app, others);
      });
    } catch (error) {
      const unique = violatedConstraint(error, PG_UNIQUE_VIOLATION);
      if (unique?.constraint === 'application_mounts_path_key' && pathField)
        throw new AppException(ErrorCode.Conflict, 'Another mount of the application uses this path', [
          { field: pathField, message: 'already used by another mount' },
        ]);
      if (unique?.constraint === 'application_mounts_volume_name_key')
        throw new AppException(ErrorCode.Conflict, 'Another volume of the application has this name', [
          { field: 'name', message: 'already used by another volume' },
        ]);
      throw error;
    }
  }

  private assertNoOverlap(mountPath: string, others: ApplicationMountEntity[], field: string): void {
    const same = others.find((m) => m.mountPath === mountPath);
    if (same)
      throw new AppException(ErrorCode.Conflict, 'Another mount of the application uses this path', [
        { field, message: 'already used by another mount' },
      ]);
    const overlap = overlappingMountPaths([mountPath, ...others.map((m) => m.mountPath)]);
    if (overlap && (overlap[0] === mountPath || overlap[1] === mountPath))
      throw AppException.validation([
        {
          field,
          message: `${field} must not be inside or around another mount of the application (${overlap[0] === mountPath ? overlap[1] : overlap[0]})`,
        },
      ]);
  }

  private record(manager: EntityManager, caller: Caller, team: TeamScope, app: ApplicationEntity, metadata: Record<string, unknown>): Promise<void> {
    return this.audit.recordInTeam(manager, team, caller, {
      action: AuditAction.ApplicationMountsChanged,
      target: { type: 'application', id: app.id },
      metadata: { name: app.name, ...metadata },
    });
  }

  private async onServer(operation: VolumeOperation): Promise<Extract<VolumeOperationResult, { ok: true }>> {
    let result: VolumeOperationResult;
    try {
      result = await this.jobs.enqueueAndWait(JobName.ServerVolumes, operation, OPERATION_TIMEOUT_MS);
    } catch {
      throw new AppException(ErrorCode.WorkerUnavailable, 'The server did not answer in time: check that the worker runs and the server answers');
    }
    if (!result.ok) {
      const codes = { 404: ErrorCode.NotFound, 409: ErrorCode.Conflict, 503: ErrorCode.ServiceUnavailable } as const;
      throw new AppException(codes[result.status], result.message);
    }
    return result;
  }

  /** `mountedBy`: the application whose containers mount it (a preview mounts its own copy of the previewed application's volumes). */
  private volumeDto(row: ApplicationMountEntity, mountedBy: string = row.applicationId): VolumeDto {
    return {
      id: row.id,
      applicationId: mountedBy,
      name: row.name as string,
      mountPath: row.mountPath,
      dockerName: this.names.appVolume(mountedBy, row.name as string),
      createdAt: row.createdAt.toISOString(),
    };
  }

  private mountDto(row: ApplicationMountEntity): MountDto {
    return {
      id: row.id,
      applicationId: row.applicationId,
      kind: row.kind as 'bind' | 'file',
      mountPath: row.mountPath,
      hostPath: row.hostPath,
      readOnly: row.readOnly,
      secret: row.secret,
      content: row.kind === 'file' && !row.secret ? row.content : null,
      updatedAt: row.updatedAt.toISOString(),
    };
  }
}
