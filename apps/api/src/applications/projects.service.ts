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
import {
  ApplicationsRepository,
  DatabasesRepository,
  type EnvironmentEntity,
  EnvironmentsRepository,
  type ProjectEntity,
  ProjectsRepository,
  type TeamScope,
} from '@zpanel/database';
import { DataSource } from 'typeorm';
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
    private readonly projects: ProjectsRepository,
    private readonly environments: EnvironmentsRepository,
    private readonly applications: ApplicationsRepository,
    private readonly databases: DatabasesRepository,
    private readonly audit: AuditService,
  ) {}

  async list(team: TeamScope, query: PageQuery): Promise<Paginated<ProjectDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.projects.page(team, { skip: window.skip, take: window.perPage }, { name: 'ASC', id: 'ASC' });
    return paginated(await this.projectDtos(team, rows), total, window);
  }

  async get(team: TeamScope, id: string): Promise<ProjectDto> {
    const [dto] = await this.projectDtos(team, [await this.projects.get(team, id)]);
    return dto;
  }

  /** The project and its `production` environment appear together or not at all. */
  async create(caller: Caller, team: TeamScope, input: CreateProjectRequest): Promise<ProjectDto> {
    const id = await this.uniqueProjectName(() =>
      this.dataSource.transaction(async (manager) => {
        const project = await this.projects.in(manager).add(team, { name: input.name, description: input.description ?? '' });
        await this.environments.in(manager).add(team, project.id, DEFAULT_ENVIRONMENT);
        await this.audit.recordInTeam(manager, team, caller, {
          action: AuditAction.ProjectCreated,
          target: { type: 'project', id: project.id },
          metadata: { name: project.name },
        });
        return project.id;
      }),
    );
    return this.get(team, id);
  }

  async update(caller: Caller, team: TeamScope, id: string, input: UpdateProjectRequest): Promise<ProjectDto> {
    await this.projects.get(team, id);
    const changes = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
    if (Object.keys(changes).length > 0) {
      await this.uniqueProjectName(() =>
        this.dataSource.transaction(async (manager) => {
          await this.projects.in(manager).change(team, id, changes);
          await this.audit.recordInTeam(manager, team, caller, {
            action: AuditAction.ProjectUpdated,
            target: { type: 'project', id },
            metadata: { changed: Object.keys(changes) },
          });
        }),
      );
    }
    return this.get(team, id);
  }

  /**
   * Refused while applications or databases live in the project (they run somewhere and must be
   * removed on purpose). The row lock makes an application created meanwhile wait, then see the project gone.
   */
  async delete(caller: Caller, team: TeamScope, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const projects = this.projects.in(manager);
      const project = await projects.getLocked(team, id);
      const applications = await this.applications.in(manager).countInProject(team, id);
      if (applications > 0) throw new AppException(ErrorCode.Conflict, `The project has ${applications} application(s): delete them first`);
      // A database being created takes the project's row lock too (DatabasesService.create), so none slips in meanwhile.
      const databases = await this.databases.in(manager).countInProject(team, id);
      if (databases > 0) throw new AppException(ErrorCode.Conflict, `The project has ${databases} database(s): delete them first`);
      await projects.deleteOne(team, id);
      await this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.ProjectDeleted,
        target: { type: 'project', id },
        metadata: { name: project.name },
      });
    });
  }

  async listEnvironments(team: TeamScope, projectId: string, query: PageQuery): Promise<Paginated<EnvironmentDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.environments.page(
      team,
      { skip: window.skip, take: window.perPage },
      { createdAt: 'ASC', id: 'ASC' },
      { projectId },
    );
    return paginated(await this.environmentDtos(team, rows), total, window);
  }

  async createEnvironment(caller: Caller, team: TeamScope, projectId: string, input: CreateEnvironmentRequest): Promise<EnvironmentDto> {
    await this.projects.get(team, projectId);
    let row: EnvironmentEntity;
    try {
      row = await this.dataSource.transaction(async (manager) => {
        const created = await this.environments.in(manager).add(team, projectId, input.name);
        await this.audit.recordInTeam(manager, team, caller, {
          action: AuditAction.EnvironmentCreated,
          target: { type: 'environment', id: created.id },
          metadata: { projectId, name: input.name },
        });
        return created;
      });
    } catch (error) {
      if (violatedConstraint(error, PG_UNIQUE_VIOLATION)) throw environmentNameTaken(input.name);
      throw error;
    }
    const [dto] = await this.environmentDtos(team, [row]);
    return dto;
  }

  /**
   * Refused while applications or databases live in it, and for the project's last environment. Locking the
   * project serializes two deletions that would each leave the other environment as the last.
   */
  async deleteEnvironment(caller: Caller, team: TeamScope, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const environments = this.environments.in(manager);
      const environment = await environments.get(team, id);
      await this.projects.in(manager).getLocked(team, environment.projectId);
      await environments.getLocked(team, id);
      const applications = await this.applications.in(manager).countInEnvironment(team, id);
      if (applications > 0) throw new AppException(ErrorCode.Conflict, `The environment has ${applications} application(s): delete them first`);
      // Its rows would go with it (ON DELETE CASCADE), their containers and data left running on the server.
      const databases = await this.databases.in(manager).countInEnvironment(team, id);
      if (databases > 0) throw new AppException(ErrorCode.Conflict, `The environment has ${databases} database(s): delete them first`);
      if ((await environments.countInProject(team, environment.projectId)) <= 1) {
        throw new AppException(ErrorCode.Conflict, 'A project keeps at least one environment: this is its last one');
      }
      await environments.deleteOne(team, id);
      await this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.EnvironmentDeleted,
        target: { type: 'environment', id },
        metadata: { projectId: environment.projectId, name: environment.name },
      });
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

  private async projectDtos(team: TeamScope, rows: ProjectEntity[]): Promise<ProjectDto[]> {
    const ids = rows.map((r) => r.id);
    const environments = await this.environments.countPerProject(team, ids);
    const applications = await this.applications.countPerProject(team, ids);
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

  private async environmentDtos(team: TeamScope, rows: EnvironmentEntity[]): Promise<EnvironmentDto[]> {
    const applications = await this.applications.countPerEnvironment(
      team,
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
