import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  AuditAction,
  type CreateEnvironmentRequest,
  type CreateProjectRequest,
  DEFAULT_ENVIRONMENT,
  type EnvironmentDto,
  ErrorCode,
  type PageQuery,
  type Paginated,
  type ProjectDto,
  type UpdateProjectRequest,
} from '@zpanel/contracts';
import { AppException } from '@zpanel/core';
import { ApplicationEntity, EnvironmentEntity, ProjectEntity } from '@zpanel/database';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Caller } from '../access/caller';
import { pageWindow, paginated } from '../http/pagination';
import { PG_UNIQUE_VIOLATION, violatedConstraint } from './pg-errors';

const projectNameTaken = () =>
  new AppException(ErrorCode.Conflict, 'A project with this name already exists in this team', [
    { field: 'name', message: 'already used in this team' },
  ]);
const environmentNameTaken = (name: string) =>
  new AppException(ErrorCode.Conflict, `The project already has an environment named ${name}`, [
    { field: 'name', message: 'already used in this project' },
  ]);

/** Projects and their environments; every project has at least one environment. */
@Injectable()
export class ProjectsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async projectTeamOf(id: string): Promise<string | undefined> {
    return (await this.dataSource.getRepository(ProjectEntity).findOne({ where: { id }, select: { id: true, teamId: true } }))?.teamId;
  }

  async environmentTeamOf(id: string): Promise<string | undefined> {
    return (await this.dataSource.getRepository(EnvironmentEntity).findOne({ where: { id }, select: { id: true, teamId: true } }))?.teamId;
  }

  async list(teamId: string, query: PageQuery): Promise<Paginated<ProjectDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.dataSource
      .getRepository(ProjectEntity)
      .findAndCount({ where: { teamId }, order: { name: 'ASC', id: 'ASC' }, skip: window.skip, take: window.perPage });
    return paginated(await this.projectDtos(rows), total, window);
  }

  async get(id: string): Promise<ProjectDto> {
    const [dto] = await this.projectDtos([await this.dataSource.getRepository(ProjectEntity).findOneByOrFail({ id })]);
    return dto;
  }

  /** The project and its `production` environment appear together or not at all. */
  async create(caller: Caller, teamId: string, input: CreateProjectRequest): Promise<ProjectDto> {
    const id = await this.uniqueProjectName(() =>
      this.dataSource.transaction(async (manager) => {
        const project = await manager.getRepository(ProjectEntity).save({ teamId, name: input.name, description: input.description ?? '' });
        await manager.getRepository(EnvironmentEntity).save({ teamId, projectId: project.id, name: DEFAULT_ENVIRONMENT });
        await this.audit.record(
          {
            action: AuditAction.ProjectCreated,
            teamId,
            actor: caller,
            target: { type: 'project', id: project.id },
            metadata: { name: project.name },
          },
          manager,
        );
        return project.id;
      }),
    );
    return this.get(id);
  }

  async update(caller: Caller, id: string, input: UpdateProjectRequest): Promise<ProjectDto> {
    const current = await this.dataSource.getRepository(ProjectEntity).findOneByOrFail({ id });
    const changes = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
    if (Object.keys(changes).length > 0) {
      await this.uniqueProjectName(() =>
        this.dataSource.transaction(async (manager) => {
          await manager.getRepository(ProjectEntity).update({ id }, changes);
          await this.audit.record(
            {
              action: AuditAction.ProjectUpdated,
              teamId: current.teamId,
              actor: caller,
              target: { type: 'project', id },
              metadata: { changed: Object.keys(changes) },
            },
            manager,
          );
        }),
      );
    }
    return this.get(id);
  }

  /**
   * Refused while applications live in the project (they run somewhere and must be removed on
   * purpose). The row lock makes an application created meanwhile wait, then see the project gone.
   */
  async delete(caller: Caller, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const project = await manager.getRepository(ProjectEntity).findOneOrFail({ where: { id }, lock: { mode: 'pessimistic_write' } });
      const applications = await manager.getRepository(ApplicationEntity).countBy({ projectId: id });
      if (applications > 0) throw new AppException(ErrorCode.Conflict, `The project has ${applications} application(s): delete them first`);
      await manager.getRepository(ProjectEntity).delete({ id });
      await this.audit.record(
        {
          action: AuditAction.ProjectDeleted,
          teamId: project.teamId,
          actor: caller,
          target: { type: 'project', id },
          metadata: { name: project.name },
        },
        manager,
      );
    });
  }

  async listEnvironments(projectId: string, query: PageQuery): Promise<Paginated<EnvironmentDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.dataSource
      .getRepository(EnvironmentEntity)
      .findAndCount({ where: { projectId }, order: { createdAt: 'ASC', id: 'ASC' }, skip: window.skip, take: window.perPage });
    return paginated(await this.environmentDtos(rows), total, window);
  }

  async createEnvironment(caller: Caller, projectId: string, input: CreateEnvironmentRequest): Promise<EnvironmentDto> {
    const project = await this.dataSource.getRepository(ProjectEntity).findOneByOrFail({ id: projectId });
    let row: EnvironmentEntity;
    try {
      row = await this.dataSource.transaction(async (manager) => {
        const created = await manager.getRepository(EnvironmentEntity).save({ teamId: project.teamId, projectId, name: input.name });
        await this.audit.record(
          {
            action: AuditAction.EnvironmentCreated,
            teamId: project.teamId,
            actor: caller,
            target: { type: 'environment', id: created.id },
            metadata: { projectId, name: input.name },
          },
          manager,
        );
        return created;
      });
    } catch (error) {
      if (violatedConstraint(error, PG_UNIQUE_VIOLATION)) throw environmentNameTaken(input.name);
      throw error;
    }
    const [dto] = await this.environmentDtos([row]);
    return dto;
  }

  /**
   * Refused while applications live in it, and for the project's last environment. Locking the
   * project serializes two deletions that would each leave the other environment as the last.
   */
  async deleteEnvironment(caller: Caller, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const environment = await manager.getRepository(EnvironmentEntity).findOneByOrFail({ id });
      await manager.getRepository(ProjectEntity).findOneOrFail({ where: { id: environment.projectId }, lock: { mode: 'pessimistic_write' } });
      await manager.getRepository(EnvironmentEntity).findOneOrFail({ where: { id }, lock: { mode: 'pessimistic_write' } });
      const applications = await manager.getRepository(ApplicationEntity).countBy({ environmentId: id });
      if (applications > 0) throw new AppException(ErrorCode.Conflict, `The environment has ${applications} application(s): delete them first`);
      if ((await manager.getRepository(EnvironmentEntity).countBy({ projectId: environment.projectId })) <= 1) {
        throw new AppException(ErrorCode.Conflict, 'A project keeps at least one environment: this is its last one');
      }
      await manager.getRepository(EnvironmentEntity).delete({ id });
      await this.audit.record(
        {
          action: AuditAction.EnvironmentDeleted,
          teamId: environment.teamId,
          actor: caller,
          target: { type: 'environment', id },
          metadata: { projectId: environment.projectId, name: environment.name },
        },
        manager,
      );
    });
  }

  private async uniqueProjectName<T>(save: () => Promise<T>): Promise<T> {
    try {
      return await save();
    } catch (error) {
      if (violatedConstraint(error, PG_UNIQUE_VIOLATION)) throw projectNameTaken();
      throw error;
    }
  }

  private async projectDtos(rows: ProjectEntity[]): Promise<ProjectDto[]> {
    const ids = rows.map((r) => r.id);
    const environments = await countBy(this.dataSource.manager, EnvironmentEntity, 'project_id', ids);
    const applications = await countBy(this.dataSource.manager, ApplicationEntity, 'project_id', ids);
    return rows.map((r) => ({
      id: r.id,
      teamId: r.teamId,
      name: r.name,
      description: r.description,
      environmentCount: environments.get(r.id) ?? 0,
      applicationCount: applications.get(r.id) ?? 0,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
    }));
  }

  private async environmentDtos(rows: EnvironmentEntity[]): Promise<EnvironmentDto[]> {
    const applications = await countBy(
      this.dataSource.manager,
      ApplicationEntity,
      'environment_id',
      rows.map((r) => r.id),
    );
    return rows.map((r) => ({
      id: r.id,
      projectId: r.projectId,
      name: r.name,
      applicationCount: applications.get(r.id) ?? 0,
      createdAt: r.createdAt.toISOString(),
    }));
  }
}

/** Rows of `entity` per value of `column`, for the given values (one query for a whole page); previews are not counted as applications. */
async function countBy(
  manager: EntityManager,
  entity: typeof EnvironmentEntity | typeof ApplicationEntity,
  column: 'project_id' | 'environment_id',
  ids: string[],
): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = (await manager
    .getRepository(entity)
    .createQueryBuilder('r')
    .select(`r.${column}`, 'id')
    .addSelect('count(*)::int', 'count')
    .where(`r.${column} IN (:...ids)`, { ids })
    .andWhere(entity === ApplicationEntity ? 'r.preview_of_id IS NULL' : 'TRUE')
    .groupBy(`r.${column}`)
    .getRawMany()) as { id: string; count: number }[];
  return new Map(rows.map((r) => [r.id, r.count]));
}
