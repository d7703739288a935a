import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APPLICATION_LIMITS, ErrorCode, type PageQuery, type Paginated, type PreviewDto, type PreviewProvider } from '@zpanel/contracts';
import { AppException, previewAppName, previewDomainOf, pullRequestRef } from '@zpanel/core';
import { ApplicationDomainEntity, ApplicationEntity, DeploymentEntity } from '@zpanel/database';
import { DataSource, In } from 'typeorm';
import { ApplicationsService, PREVIEW_FOLLOWED } from '../applications/applications.service';
import { PG_UNIQUE_VIOLATION, violatedConstraint } from '../applications/pg-errors';
import type { Caller } from '../access/caller';
import { DeploymentsService } from '../deployments/deployments.service';
import { pageWindow, paginated } from '../http/pagination';

/** A pull request as a verified webhook delivery describes it, every value already checked. */
export interface PullRequestFacts {
  provider: PreviewProvider;
  number: number;
  title: string;
  /** Full or short commit hash (validated). */
  headSha: string;
  headBranch: string;
  fork: boolean;
  link: string | null;
}

export interface PreviewDeployed {
  previewId: string;
  deploymentId: string;
  domain: string;
}

const followed = (parent: ApplicationEntity) =>
  Object.fromEntries(PREVIEW_FOLLOWED.map((key) => [key, parent[key]])) as Pick<ApplicationEntity, (typeof PREVIEW_FOLLOWED)[number]>;

/**
 * Preview deployments: one application row per open pull request, tied to the application it
 * previews, served at `pr-<n>.<previewDomain>`. A row of its own lets the pipeline, routes,
 * deployments, logs and clean-up work unchanged; its settings, deploy key, token and variables are
 * the previewed application's (plus the preview overrides), read by the worker at each deployment.
 */
@Injectable()
export class PreviewsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly applications: ApplicationsService,
    private readonly deployments: DeploymentsService,
  ) {}

  private get rows() {
    return this.dataSource.getRepository(ApplicationEntity);
  }

  /**
   * Creates the preview of the pull request or brings it up to date (title, commit, the previewed
   * application's settings and preview domain), then queues a deployment of the head commit.
   */
  async deploy(applicationId: string, pull: PullRequestFacts, actorName: string): Promise<PreviewDeployed> {
    const { previewId, domain, routesChanged, serverId } = await this.upsert(applicationId, pull);
    if (routesChanged) await this.applications.syncProxy(serverId);
    const deployment = await this.deployments.create(null, previewId, { trigger: 'webhook', commit: pull.headSha, actorName });
    return { previewId, deploymentId: deployment.id, domain };
  }

  /** Removes the pull request's preview (container, route, images); null when it has none. */
  async close(applicationId: string, number: number): Promise<{ domain: string | null } | null> {
    const preview = await this.rows.findOneBy({ previewOfId: applicationId, previewNumber: number });
    if (!preview) return null;
    const domain = await this.dataSource.getRepository(ApplicationDomainEntity).findOneBy({ applicationId: preview.id });
    await this.applications.remove(null, preview);
    return { domain: domain?.domain ?? null };
  }

  /** `DELETE /applications/{id}/previews/{previewId}`: a preview of another application is one that does not exist. */
  async delete(caller: Caller, applicationId: string, previewId: string): Promise<void> {
    const preview = await this.rows.findOneBy({ id: previewId, previewOfId: applicationId });
    if (!preview) throw new AppException(ErrorCode.NotFound, 'No such preview');
    await this.applications.remove(caller, preview);
  }

  async list(applicationId: string, query: PageQuery): Promise<Paginated<PreviewDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.rows.findAndCount({
      where: { previewOfId: applicationId },
      order: { updatedAt: 'DESC', id: 'DESC' },
      skip: window.skip,
      take: window.perPage,
    });
    const ids = rows.map((r) => r.id);
    const domains = new Map(
      ids.length === 0
        ? []
        : (await this.dataSource.getRepository(ApplicationDomainEntity).findBy({ applicationId: In(ids) })).map((d) => [d.applicationId, d.domain]),
    );
    const latest = new Map<string, DeploymentEntity>();
    if (ids.length > 0) {
      const newest = (await this.dataSource
        .getRepository(DeploymentEntity)
        .createQueryBuilder('d')
        .distinctOn(['d.application_id'])
        .where('d.application_id IN (:...ids)', { ids })
        .orderBy('d.application_id')
        .addOrderBy('d.created_at', 'DESC')
        .addOrderBy('d.id', 'DESC')
        .getMany()) as DeploymentEntity[];
      for (const d of newest) latest.set(d.applicationId, d);
    }
    return paginated(
      rows.map((r) => {
        const d = latest.get(r.id);
        return {
          id: r.id,
          applicationId,
          provider: r.previewProvider as PreviewProvider,
          number: r.previewNumber as number,
          title: r.previewTitle ?? '',
          link: r.previewLink,
          headBranch: r.previewHeadBranch ?? '',
          fork: r.previewFork ?? false,
          domain: domains.get(r.id) ?? '',
          commitSha: r.previewCommit,
          latestDeployment: d
            ? {
                id: d.id,
                status: d.status,
                commitSha: d.commitSha,
                createdAt: d.createdAt.toISOString(),
                finishedAt: d.finishedAt?.toISOString() ?? null,
              }
            : null,
          createdAt: r.createdAt.toISOString(),
          updatedAt: r.updatedAt.toISOString(),
        };
      }),
      total,
      window,
    );
  }

  /** In one transaction holding the previewed application's row: two deliveries for one pull request make one preview. */
  private async upsert(
    applicationId: string,
    pull: PullRequestFacts,
  ): Promise<{ previewId: string; domain: string; routesChanged: boolean; serverId: string }> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const parent = await manager.getRepository(ApplicationEntity).findOne({ where: { id: applicationId }, lock: { mode: 'pessimistic_write' } });
        if (!parent) throw new AppException(ErrorCode.NotFound, 'No such application');
        if (!parent.previewsEnabled || !parent.previewDomain) throw new AppException(ErrorCode.Conflict, 'Previews are off for this application');
        const domain = previewDomainOf(parent.previewDomain, pull.number);
        const facts = {
          previewTitle: pull.title.slice(0, 300),
          previewLink: pull.link,
          previewHeadBranch: pull.headBranch.slice(0, 255),
          previewFork: pull.fork,
          previewCommit: pull.headSha,
        };
        const repo = manager.getRepository(ApplicationEntity);
        const domains = manager.getRepository(ApplicationDomainEntity);
        const existing = await repo.findOneBy({ previewOfId: parent.id, previewNumber: pull.number });
        if (existing) {
          await repo.update({ id: existing.id }, { ...followed(parent), ...facts, updatedAt: new Date() });
          const current = await domains.findBy({ applicationId: existing.id });
          const routesChanged = current.length !== 1 || current[0].domain !== domain || existing.port !== parent.port;
          if (current.length !== 1 || current[0].domain !== domain) {
            await domains.delete({ applicationId: existing.id });
            await domains.insert({ teamId: parent.teamId, applicationId: existing.id, domain });
          }
          return { previewId: existing.id, domain, routesChanged, serverId: parent.serverId };
        }
        if ((await repo.countBy({ previewOfId: parent.id })) >= APPLICATION_LIMITS.previews.max) {
          throw new AppException(
            ErrorCode.Conflict,
            `the application already has ${APPLICATION_LIMITS.previews.max} previews (close a pull request or remove a preview first)`,
          );
        }
        const id = randomUUID();
        await repo.insert({
          id,
          ...followed(parent),
          name: previewAppName(parent.name, pull.number),
          description: `Preview of ${parent.name} for pull request #${pull.number}`,
          keepImages: APPLICATION_LIMITS.previewKeepImages,
          watchPaths: [],
          deployTags: null,
          webhookSecret: null,
          gitHostKey: null,
          gitToken: null,
          previewsEnabled: false,
          previewDomain: null,
          previewForks: false,
          previewOfId: parent.id,
          previewNumber: pull.number,
          previewProvider: pull.provider,
          previewRef: pullRequestRef(pull.provider, pull.number),
          ...facts,
        });
        await domains.insert({ teamId: parent.teamId, applicationId: id, domain });
        return { previewId: id, domain, routesChanged: true, serverId: parent.serverId };
      });
    } catch (error) {
      // Taken by an application outside this preview (the previewed row's lock serializes the preview's own writers).
      const unique = violatedConstraint(error, PG_UNIQUE_VIOLATION);
      const taken = unique ? /\)=\((.*)\)/.exec(unique.detail)?.[1] : undefined;
      if (unique?.constraint === 'application_domains_domain_key')
        throw new AppException(ErrorCode.Conflict, `The preview domain ${taken ?? ''} is used by another application`);
      if (unique?.constraint === 'applications_server_id_name_key')
        throw new AppException(ErrorCode.Conflict, `The preview's name is used by another application on the server (${taken ?? ''})`);
      throw error;
    }
  }
}
