import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { APPLICATION_LIMITS, ErrorCode, type PageQuery, type Paginated, type PreviewDto, type PreviewProvider } from '@zpanel/contracts';
import { AppException, previewAppName, previewDomainOf, pullRequestRef } from '@zpanel/core';
import {
  ApplicationDomainsRepository,
  type ApplicationEntity,
  ApplicationsRepository,
  DeploymentsRepository,
  type TeamScope,
} from '@zpanel/database';
import { DataSource } from 'typeorm';
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
    private readonly rows: ApplicationsRepository,
    private readonly domains: ApplicationDomainsRepository,
    private readonly deploymentRows: DeploymentsRepository,
  ) {}

  /**
   * Creates the preview of the pull request or brings it up to date (title, commit, the previewed
   * application's settings and preview domain), then queues a deployment of the head commit.
   */
  async deploy(team: TeamScope, applicationId: string, pull: PullRequestFacts, actorName: string): Promise<PreviewDeployed> {
    const { previewId, domain, routesChanged, serverId } = await this.upsert(team, applicationId, pull);
    if (routesChanged) await this.applications.syncProxy(serverId);
    const deployment = await this.deployments.create(null, team, previewId, { trigger: 'webhook', commit: pull.headSha, actorName });
    return { previewId, deploymentId: deployment.id, domain };
  }

  /** Removes the pull request's preview (container, route, images); null when it has none. */
  async close(team: TeamScope, applicationId: string, number: number): Promise<{ domain: string | null } | null> {
    const preview = await this.rows.findPreview(team, applicationId, number);
    if (!preview) return null;
    const [domain] = (await this.domains.ofApplications(team, [preview.id])).get(preview.id) ?? [];
    await this.applications.remove(null, team, preview, { deleteVolumes: true, previewCause: 'closed' });
    return { domain: domain ?? null };
  }

  /** `DELETE /applications/{id}/previews/{previewId}`: a preview of another application is one that does not exist. */
  async delete(caller: Caller, team: TeamScope, applicationId: string, previewId: string): Promise<void> {
    const preview = await this.rows.findPreviewById(team, applicationId, previewId);
    if (!preview) throw new AppException(ErrorCode.NotFound, 'No such preview');
    await this.applications.remove(caller, team, preview, { deleteVolumes: true, previewCause: 'deleted' });
  }

  async list(team: TeamScope, applicationId: string, query: PageQuery): Promise<Paginated<PreviewDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.rows.pagePreviewsOf(team, applicationId, { skip: window.skip, take: window.perPage });
    const ids = rows.map((r) => r.id);
    const domains = await this.domains.ofApplications(team, ids);
    const latest = await this.deploymentRows.latestOf(team, ids);
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
          domain: domains.get(r.id)?.[0] ?? '',
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
    team: TeamScope,
    applicationId: string,
    pull: PullRequestFacts,
  ): Promise<{ previewId: string; domain: string; routesChanged: boolean; serverId: string }> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const repo = this.rows.in(manager);
        const parent = await repo.getLocked(team, applicationId);
        if (!parent.previewsEnabled || !parent.previewDomain) throw new AppException(ErrorCode.Conflict, 'Previews are off for this application');
        const domain = previewDomainOf(parent.previewDomain, pull.number);
        const facts = {
          previewTitle: pull.title.slice(0, 300),
          previewLink: pull.link,
          previewHeadBranch: pull.headBranch.slice(0, 255),
          previewFork: pull.fork,
          previewCommit: pull.headSha,
        };
        const domains = this.domains.in(manager);
        const existing = await repo.findPreview(team, parent.id, pull.number);
        if (existing) {
          await repo.change(team, existing.id, { ...followed(parent), ...facts, updatedAt: new Date() });
          const current = (await domains.ofApplications(team, [existing.id])).get(existing.id) ?? [];
          const routesChanged = current.length !== 1 || current[0] !== domain || existing.port !== parent.port;
          if (current.length !== 1 || current[0] !== domain) await domains.reassign(team, [{ applicationId: existing.id, domain }]);
          return { previewId: existing.id, domain, routesChanged, serverId: parent.serverId };
        }
        if ((await repo.countPreviewsOf(team, parent.id)) >= APPLICATION_LIMITS.previews.max) {
          throw new AppException(
            ErrorCode.Conflict,
            `the application already has ${APPLICATION_LIMITS.previews.max} previews (close a pull request or remove a preview first)`,
          );
        }
        const id = randomUUID();
        await repo.add(team, {
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
        await domains.add(team, id, [domain]);
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
