import { ErrorCode } from '@zpanel/contracts';
import { AppException } from '@zpanel/core';
import { type EntityTarget, type FindOptionsWhere, IsNull } from 'typeorm';
import { ApplicationEntity } from '../entities';
import { countPer } from './count-per';
import { type PageWindow, TeamOwnedRepository } from './entity-repository';
import type { TeamScope } from './team-scope';

/** An application whose repository a webhook delivery may be for, before its signature is checked. */
export interface WebhookCandidate {
  id: string;
  teamId: string;
  gitUrl: string;
  gitBranch: string | null;
  watchPaths: string[];
  deployTags: string | null;
  webhookSecret: string | null;
  previewsEnabled: boolean;
  previewForks: boolean;
}

/** The columns of a new application: its team comes from the scope, and nothing is pending on it yet (no redeploy asked for). */
export type NewApplication = Omit<ApplicationEntity, 'teamId' | 'createdAt' | 'updatedAt' | 'redeployReason' | 'redeployRequestedAt'>;

/** A database as references name it: by its name in its environment. */
export interface LinkedDatabase {
  environmentId: string;
  name: string;
}

/** Applications, previews included: a preview is an application row tied to the one it previews. */
export class ApplicationsRepository extends TeamOwnedRepository<ApplicationEntity> {
  protected readonly target: EntityTarget<ApplicationEntity> = ApplicationEntity;
  readonly noun = 'application';

  /** The team's applications, optionally of one project or environment; previews are listed under the application they preview. */
  pageListed(team: TeamScope, window: PageWindow, filter: { projectId?: string; environmentId?: string }): Promise<[ApplicationEntity[], number]> {
    const where: FindOptionsWhere<ApplicationEntity> = {
      previewOfId: IsNull(),
      ...(filter.projectId ? { projectId: filter.projectId } : {}),
      ...(filter.environmentId ? { environmentId: filter.environmentId } : {}),
    };
    return this.page(team, window, { name: 'ASC', id: 'ASC' }, where);
  }

  /** What the server's proxy routes to: the applications on the server (previews included), by alias and port. */
  onServer(team: TeamScope, serverId: string): Promise<Pick<ApplicationEntity, 'id' | 'name' | 'port'>[]> {
    return this.rows.find({ where: this.scoped(team, { serverId }), select: { id: true, name: true, port: true } });
  }

  /** Whether the application has a webhook secret; the sealed value is not selected with the row otherwise. */
  async hasWebhookSecret(team: TeamScope, id: string): Promise<boolean> {
    const row = await this.rows.findOne({ where: this.scoped(team, { id }), select: { id: true, webhookSecret: true } });
    if (!row) throw new AppException(ErrorCode.NotFound, `No such ${this.noun}`);
    return row.webhookSecret !== null;
  }

  /** The sealed HTTPS token of the application, for the worker to open at a clone; null: none. */
  async sealedGitToken(team: TeamScope, id: string): Promise<string | null> {
    return (await this.rows.findOne({ where: this.scoped(team, { id }), select: { id: true, gitToken: true } }))?.gitToken ?? null;
  }

  /** Pins the git host's key only while none is pinned: a key forgotten and relearned meanwhile, or pinned by a concurrent first clone, stays. */
  async pinGitHostKey(team: TeamScope, id: string, knownHosts: string): Promise<void> {
    await this.rows
      .createQueryBuilder()
      .update()
      .set({ gitHostKey: knownHosts })
      .where('id = :id AND team_id = :teamId AND git_host_key IS NULL', { id, teamId: team.teamId })
      .execute();
  }

  /** Which of these applications have an HTTPS token stored (the sealed value is never selected here). */
  async withGitToken(team: TeamScope, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = (await this.rows
      .createQueryBuilder('a')
      .select('a.id', 'id')
      .where('a.id IN (:...ids) AND a.team_id = :teamId AND a.git_token IS NOT NULL', { ids, teamId: team.teamId })
      .getRawMany()) as { id: string }[];
    return new Set(rows.map((r) => r.id));
  }

  /** Applications per project, previews not counted. */
  countPerProject(team: TeamScope, projectIds: string[]): Promise<Map<string, number>> {
    return countPer(this.rows, team, 'project_id', projectIds, 'r.preview_of_id IS NULL');
  }

  /** Applications per environment, previews not counted. */
  countPerEnvironment(team: TeamScope, environmentIds: string[]): Promise<Map<string, number>> {
    return countPer(this.rows, team, 'environment_id', environmentIds, 'r.preview_of_id IS NULL');
  }

  countInProject(team: TeamScope, projectId: string): Promise<number> {
    return this.rows.countBy(this.scoped(team, { projectId }));
  }

  countInEnvironment(team: TeamScope, environmentId: string): Promise<number> {
    return this.rows.countBy(this.scoped(team, { environmentId }));
  }

  /**
   * Applications that run on the server or clone with the deploy key, which keep it from being
   * deleted (whatever checked the server's or key's team checked theirs).
   */
  countUsing(reference: { serverId: string } | { deployKeyId: string }): Promise<number> {
    return this.rows.countBy(reference);
  }

  async add(team: TeamScope, row: NewApplication): Promise<void> {
    await this.rows.insert({ ...row, teamId: team.teamId });
  }

  /** Writes exactly `changes` (callers that mean a change of the application set `updatedAt`). */
  async change(team: TeamScope, id: string, changes: Partial<ApplicationEntity>): Promise<void> {
    await this.rows.update(this.scoped(team, { id }), changes);
  }

  /**
   * The applications of the environment (previews included) that a deployment now would give a value
   * of the database: one of the variables it deploys with, after overriding (its preview overrides >
   * its own > the environment's, as `effectiveVariables` picks them in the worker), references the
   * database by name. A preview deploys with the variables of the application it previews.
   */
  async referencingDatabase(team: TeamScope, database: LinkedDatabase): Promise<Pick<ApplicationEntity, 'id' | 'name' | 'previewOfId'>[]> {
    const rows: { id: string; name: string; preview_of_id: string | null }[] = await this.manager.query(
      `WITH "candidates" AS (
         SELECT a."id" AS "app_id", v."key", v."database_references",
                CASE WHEN v."environment_id" IS NOT NULL THEN 0 WHEN v."preview" THEN 2 ELSE 1 END AS "rank"
         FROM "applications" a
         JOIN "env_vars" v ON v."team_id" = a."team_id" AND (
           v."environment_id" = a."environment_id"
           OR (v."application_id" = coalesce(a."preview_of_id", a."id") AND (NOT v."preview" OR a."preview_of_id" IS NOT NULL)))
         WHERE a."team_id" = $1 AND a."environment_id" = $2
       ), "winners" AS (
         SELECT DISTINCT ON ("app_id", "key") "app_id", "database_references" FROM "candidates" ORDER BY "app_id", "key", "rank" DESC
       )
       SELECT a."id", a."name", a."preview_of_id" FROM "applications" a
       WHERE a."id" IN (
         SELECT w."app_id" FROM "winners" w WHERE EXISTS (SELECT 1 FROM unnest(w."database_references") r WHERE split_part(r, '.', 1) = $3))
       ORDER BY a."name"`,
      [this.teamIdOf(team), database.environmentId, database.name],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, previewOfId: r.preview_of_id }));
  }

  /**
   * Marks the applications as behind what they would deploy with now, for `reason` (shown as the
   * application's `pendingRedeploy`). The time is the database's clock at the call, so mark only once
   * the change is committed: a deployment that started before it may have read the old value.
   */
  async markForRedeploy(team: TeamScope, ids: string[], reason: string): Promise<void> {
    if (ids.length === 0) return;
    await this.manager.query(
      `UPDATE "applications" SET "redeploy_reason" = $3, "redeploy_requested_at" = clock_timestamp() WHERE "team_id" = $1 AND "id" = ANY($2::uuid[])`,
      [this.teamIdOf(team), ids, reason],
    );
  }

  /**
   * `referencingDatabase` marked for redeploy: what a change of the database that its applications
   * only get at their next deployment (a password rotation) calls once the change is committed. Returns them.
   */
  async markReferencingDatabaseForRedeploy(
    team: TeamScope,
    database: LinkedDatabase,
    reason: string,
  ): Promise<Pick<ApplicationEntity, 'id' | 'name' | 'previewOfId'>[]> {
    const linked = await this.referencingDatabase(team, database);
    await this.markForRedeploy(
      team,
      linked.map((a) => a.id),
      reason,
    );
    return linked;
  }

  /**
   * Clears the application's pending redeploy after a deployment that started (`startedAt`, the
   * database's clock at its claim) after it was asked for: it read what the mark was about. A mark
   * made while it ran stays.
   */
  async clearPendingRedeploy(team: TeamScope, id: string, startedAt: Date): Promise<void> {
    await this.manager.query(
      `UPDATE "applications" SET "redeploy_reason" = NULL, "redeploy_requested_at" = NULL
       WHERE "team_id" = $1 AND "id" = $2 AND "redeploy_requested_at" <= $3`,
      [this.teamIdOf(team), id, startedAt],
    );
  }

  /** The same columns on every preview of the application (what previews follow). */
  async changePreviewsOf(team: TeamScope, id: string, changes: Partial<ApplicationEntity>): Promise<void> {
    await this.rows.update(this.scoped(team, { previewOfId: id }), changes);
  }

  previewsOf(team: TeamScope, id: string): Promise<ApplicationEntity[]> {
    return this.rows.findBy(this.scoped(team, { previewOfId: id }));
  }

  pagePreviewsOf(team: TeamScope, id: string, window: PageWindow): Promise<[ApplicationEntity[], number]> {
    return this.page(team, window, { updatedAt: 'DESC', id: 'DESC' }, { previewOfId: id });
  }

  countPreviewsOf(team: TeamScope, id: string): Promise<number> {
    return this.rows.countBy(this.scoped(team, { previewOfId: id }));
  }

  /** The preview of a pull request, by its number. */
  findPreview(team: TeamScope, id: string, number: number): Promise<ApplicationEntity | null> {
    return this.rows.findOneBy(this.scoped(team, { previewOfId: id, previewNumber: number }));
  }

  /** A preview by its own id: one of another application is one that does not exist. */
  findPreviewById(team: TeamScope, id: string, previewId: string): Promise<ApplicationEntity | null> {
    return this.rows.findOneBy(this.scoped(team, { id: previewId, previewOfId: id }));
  }

  /**
   * Applications whose repository URL may be one of these (`LIKE` patterns, lower case), in every
   * team: a delivery names a repository, not a team, and is verified against each candidate's own
   * secret before anything of that team is touched. Previews never answer a delivery themselves.
   */
  async webhookCandidates(likePatterns: string[]): Promise<WebhookCandidate[]> {
    const rows: {
      id: string;
      team_id: string;
      git_url: string;
      git_branch: string | null;
      watch_paths: string[];
      deploy_tags: string | null;
      webhook_secret: string | null;
      previews_enabled: boolean;
      preview_forks: boolean;
    }[] = await this.manager.query(
      `SELECT "id", "team_id", "git_url", "git_branch", "watch_paths", "deploy_tags", "webhook_secret", "previews_enabled", "preview_forks" FROM "applications"
       WHERE "git_url" IS NOT NULL AND "preview_of_id" IS NULL AND lower("git_url") LIKE ANY($1::text[]) LIMIT 200`,
      [likePatterns],
    );
    return rows.map((r) => ({
      id: r.id,
      teamId: r.team_id,
      gitUrl: r.git_url,
      gitBranch: r.git_branch,
      watchPaths: r.watch_paths,
      deployTags: r.deploy_tags,
      webhookSecret: r.webhook_secret,
      previewsEnabled: r.previews_enabled,
      previewForks: r.preview_forks,
    }));
  }
}
