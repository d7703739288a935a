import { type EntityTarget, In, Not } from 'typeorm';
import { ApplicationDomainEntity } from '../entities';
import { TeamOwnedRepository } from './entity-repository';
import type { TeamScope } from './team-scope';

/** Serialises claims of domains and preview domains across the instance (see `lockClaims`). */
const DOMAIN_CLAIM_LOCK_KEY = 7_301_526_419;
/** SQL: `name` is `base` or a name under it. */
const under = (name: string, base: string) => `(${name} = ${base} OR right(${name}, length(${base}) + 1) = '.' || ${base})`;

/** The domains applications are served at; a domain is unique across the instance. */
export class ApplicationDomainsRepository extends TeamOwnedRepository<ApplicationDomainEntity> {
  protected readonly target: EntityTarget<ApplicationDomainEntity> = ApplicationDomainEntity;
  readonly noun = 'domain';

  /** Each application's domains, in order. */
  async ofApplications(team: TeamScope, applicationIds: string[]): Promise<Map<string, string[]>> {
    const byApplication = new Map<string, string[]>();
    if (applicationIds.length === 0) return byApplication;
    const rows = await this.rows.find({ where: this.scoped(team, { applicationId: In(applicationIds) }), order: { domain: 'ASC' } });
    for (const row of rows) byApplication.set(row.applicationId, [...(byApplication.get(row.applicationId) ?? []), row.domain]);
    return byApplication;
  }

  /** Which of these domains another application of the team uses, in order. */
  async usedInTeam(team: TeamScope, domains: string[], exceptApplicationId?: string): Promise<string[]> {
    if (domains.length === 0) return [];
    const taken = await this.rows.find({
      where: this.scoped(team, { domain: In(domains), ...(exceptApplicationId ? { applicationId: Not(exceptApplicationId) } : {}) }),
      select: { id: true, domain: true },
    });
    return taken.map((d) => d.domain).sort();
  }

  async add(team: TeamScope, applicationId: string, domains: string[]): Promise<void> {
    if (domains.length === 0) return;
    await this.rows.insert(domains.map((domain) => ({ teamId: team.teamId, applicationId, domain })));
  }

  /** The application's domains become exactly these: others are deleted, the ones kept stay as they are. */
  async replaceOf(team: TeamScope, applicationId: string, domains: string[]): Promise<void> {
    await this.rows.delete(this.scoped(team, { applicationId, ...(domains.length > 0 ? { domain: Not(In(domains)) } : {}) }));
    const kept = new Set((await this.rows.findBy(this.scoped(team, { applicationId }))).map((d) => d.domain));
    await this.add(
      team,
      applicationId,
      domains.filter((d) => !kept.has(d)),
    );
  }

  /** Each named application is served at the given domain only (a preview moved to another base). */
  async reassign(team: TeamScope, entries: { applicationId: string; domain: string }[]): Promise<void> {
    if (entries.length === 0) return;
    await this.rows.delete(this.scoped(team, { applicationId: In(entries.map((e) => e.applicationId)) }));
    await this.rows.insert(entries.map((e) => ({ teamId: team.teamId, ...e })));
  }

  /**
   * Takes the instance-wide lock on domain claims until the end of the transaction this repository
   * is `in`, so two teams cannot both pass the checks below.
   */
  async lockClaims(): Promise<void> {
    await this.manager.query('SELECT pg_advisory_xact_lock($1)', [DOMAIN_CLAIM_LOCK_KEY]);
  }

  /**
   * Which of these domains another team holds, in order: as an application domain, or under a
   * preview domain of theirs (a preview domain claims itself and every name under it).
   */
  async claimedByOtherTeams(team: TeamScope, domains: string[]): Promise<string[]> {
    if (domains.length === 0) return [];
    const taken: { domain: string }[] = await this.manager.query(
      `SELECT d AS "domain" FROM unnest($1::text[]) AS d
        WHERE EXISTS (SELECT 1 FROM "application_domains" x WHERE x."domain" = d AND x."team_id" <> $2)
           OR EXISTS (SELECT 1 FROM "applications" a WHERE a."team_id" <> $2 AND a."preview_domain" IS NOT NULL AND ${under('d', 'a."preview_domain"')})
        ORDER BY 1`,
      [domains, team.teamId],
    );
    return taken.map((t) => t.domain);
  }

  /** Whether a preview domain here would lie over or under another team's domains or preview domains. */
  async previewDomainOverlapsOtherTeams(team: TeamScope, previewDomain: string): Promise<boolean> {
    const overlapping: unknown[] = await this.manager.query(
      `SELECT 1 FROM "application_domains" x WHERE x."team_id" <> $2 AND ${under('x."domain"', '$1::text')}
       UNION ALL
       SELECT 1 FROM "applications" a WHERE a."team_id" <> $2 AND a."preview_domain" IS NOT NULL AND (${under('a."preview_domain"', '$1::text')} OR ${under('$1::text', 'a."preview_domain"')})
       LIMIT 1`,
      [previewDomain, team.teamId],
    );
    return overlapping.length > 0;
  }
}
