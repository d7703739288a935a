import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ErrorCode,
  type PageQuery,
  type Paginated,
  WEBHOOK_LOGGED_BODY,
  WEBHOOK_PROVIDERS,
  type WebhookDeliveryDto,
  type WebhookOutcome,
  type WebhookProvider,
  type WebhookReceiptDto,
  type WebhookSecretDto,
  type WebhookSettingsDto,
  AuditAction,
} from '@zpanel/contracts';
import { AppException, InjectLogger, SecretBox, generateOpaqueToken, gitBranch, gitCommit, gitTag, globMatches, matchWatchPaths } from '@zpanel/core';
import {
  ApplicationsRepository,
  DeploymentsRepository,
  type TeamScope,
  type WebhookCandidate,
  WebhookDeliveriesRepository,
  type WebhookDeliveryEntity,
  teamScope,
  webhookSecretAad,
} from '@zpanel/database';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Caller } from '../access/caller';
import { DeploymentsService } from '../deployments/deployments.service';
import { pageWindow, paginated } from '../http/pagination';
import { RateLimiter } from '../http/rate-limiter';
import { normalizeRepoUrl, repoName } from './repo-url';
import { PG_UNIQUE_VIOLATION, violatedConstraint } from '../applications/pg-errors';
import { PreviewsService } from '../previews/previews.service';
import {
  DELIVERY_HEADERS,
  EVENT_HEADERS,
  type ParsedDelivery,
  type PullRequestEvent,
  type PushedRef,
  parseDelivery,
  skipMarker,
} from './webhook-payload';
import { SIGNATURE_HEADERS, verifySignature } from './webhook-signature';

const PROVIDER_NAMES: Record<WebhookProvider, string> = { github: 'GitHub', gitlab: 'GitLab', bitbucket: 'Bitbucket', gitea: 'Gitea' };
const DELIVERY_ID = /^[A-Za-z0-9._:{}-]{1,200}$/;
/**
 * Deliveries nobody authenticated (rejected, or matching no application) are logged at most this
 * often per application (or for "no application"), so anyone who knows a repository's address
 * cannot grow the log without bound; they are still refused or answered the same.
 */
export const UNVERIFIED_LOG_LIMIT = { limit: 60, windowMs: 60_000 };

/** The row a delivery holds while it is being handled; a concurrent redelivery sees it and answers the same. */
const PROCESSING = 'processing: a delivery with this id is being handled';

export type Headers = Record<string, string | string[] | undefined>;
const header = (headers: Headers, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

type Candidate = WebhookCandidate;

interface Decision {
  outcome: WebhookOutcome;
  reason: string;
  commit?: string;
  /** A tag push: the tag to fetch instead of the branch. */
  tag?: string;
}

/** A deployTags glob saved before today's checks (or edited in the database) that no longer parses matches nothing. */
function tagMatches(pattern: string, tag: string): boolean {
  try {
    return globMatches(pattern, tag);
  } catch {
    return false;
  }
}

/** A tag push deploys the tagged commit when the application's deployTags glob matches the tag name. */
function decideTag(app: { deployTags?: string | null }, tags: PushedRef[]): Decision {
  if (!app.deployTags) return { outcome: 'ignored', reason: 'tag: tag pushes do not deploy this application (set deployTags, e.g. v*)' };
  const valid = tags.filter((p): p is PushedRef & { tag: string } => p.tag !== null && gitTag(p.tag) === null);
  if (valid.length === 0) return { outcome: 'ignored', reason: 'tag: the pushed tag name is not a valid tag name' };
  const push = valid.find((p) => tagMatches(app.deployTags as string, p.tag));
  if (!push)
    return { outcome: 'ignored', reason: `tag: ${valid.map((p) => p.tag).join(', ')} does not match the application’s deployTags ${app.deployTags}` };
  if (push.commit === null) return { outcome: 'ignored', reason: 'tag: the tag was deleted' };
  if (gitCommit(push.commit) !== null) return { outcome: 'ignored', reason: 'commit: the pushed commit is not a valid commit hash' };
  const marker = skipMarker(push.message);
  if (marker) return { outcome: 'ignored', reason: `skipped: ${marker} in the head commit message` };
  return { outcome: 'accepted', reason: `deployed: tag ${push.tag}`, commit: push.commit, tag: push.tag };
}

/** What a verified pull request event asks of one application's previews. */
export type PullDecision =
  { action: 'ignore'; reason: string } | { action: 'deploy'; number: number; commit: string } | { action: 'close'; number: number };

/** A verified delivery as logged for each application. */
type Received = Pick<WebhookDeliveryEntity, 'provider' | 'deliveryId' | 'event' | 'headers' | 'body' | 'bodySha256'>;

interface Handled {
  outcome: WebhookOutcome;
  reason: string;
  deploymentId: string | null;
}

export interface WebhookResult {
  status: 200 | 202;
  receipt: WebhookReceiptDto;
}

/** What to do with a verified delivery for one application. Pure: every value from the payload is checked here. */
export function decide(app: Pick<Candidate, 'gitBranch' | 'watchPaths'> & { deployTags?: string | null }, delivery: ParsedDelivery): Decision {
  if (delivery.kind === 'ping') return { outcome: 'ignored', reason: 'ping: the webhook reaches Zpanel and its signature is valid' };
  if (delivery.kind === 'other') return { outcome: 'ignored', reason: 'event: only push events deploy' };
  const valid = delivery.pushes.filter((p): p is PushedRef & { branch: string } => p.branch !== null && gitBranch(p.branch) === null);
  const push = valid.find((p) => p.branch === app.gitBranch);
  if (!push) {
    const tags = delivery.pushes.filter((p) => p.tag !== null);
    if (valid.length === 0 && tags.length > 0) return decideTag(app, tags);
    if (valid.length > 0)
      return {
        outcome: 'ignored',
        reason: `branch: pushed to ${valid.map((p) => p.branch).join(', ')}, the application deploys ${app.gitBranch ?? 'no branch'}`,
      };
    if (delivery.pushes.some((p) => p.branch !== null))
      return { outcome: 'ignored', reason: 'branch: the pushed branch name is not a valid branch name' };
    return { outcome: 'ignored', reason: 'branch: not a branch push (a tag or another ref)' };
  }
  if (push.commit === null) return { outcome: 'ignored', reason: 'branch: the branch was deleted' };
  if (gitCommit(push.commit) !== null) return { outcome: 'ignored', reason: 'commit: the pushed commit is not a valid commit hash' };
  const marker = skipMarker(push.message);
  if (marker) return { outcome: 'ignored', reason: `skipped: ${marker} in the head commit message` };
  if (app.watchPaths.length > 0) {
    if (push.changedFiles === null)
      return {
        outcome: 'accepted',
        reason: 'deployed: the provider did not list every changed file, so watch paths were not checked',
        commit: push.commit,
      };
    const watched = matchWatchPaths(app.watchPaths, push.changedFiles);
    if (watched.result === 'no-match') return { outcome: 'ignored', reason: 'watch paths: no changed file matches the application’s watch paths' };
    if (watched.result === 'unchecked')
      return { outcome: 'accepted', reason: `deployed: watch paths were not checked (${watched.reason})`, commit: push.commit };
  }
  return { outcome: 'accepted', reason: 'deployed', commit: push.commit };
}

/** What to do with a verified pull/merge request event for one application. Pure: every value from the payload is checked here. */
export function decidePull(app: Pick<Candidate, 'gitBranch' | 'previewsEnabled' | 'previewForks'>, pull: PullRequestEvent): PullDecision {
  if (pull.number === null) return { action: 'ignore', reason: 'pull request: the payload has no valid pull request number' };
  // A close always removes a preview that exists, even after previews were turned off or the base branch changed.
  if (pull.action === 'close') return { action: 'close', number: pull.number };
  if (!app.previewsEnabled) return { action: 'ignore', reason: 'previews: pull request previews are off for this application' };
  if (pull.action === 'other') return { action: 'ignore', reason: `pull request: "${pull.actionName.slice(0, 60)}" does not change the preview` };
  if (pull.baseBranch === null || gitBranch(pull.baseBranch) !== null)
    return { action: 'ignore', reason: 'branch: the pull request’s target branch name is not a valid branch name' };
  if (pull.baseBranch !== app.gitBranch)
    return {
      action: 'ignore',
      reason: `branch: the pull request targets ${pull.baseBranch}, the application deploys ${app.gitBranch ?? 'no branch'}`,
    };
  if (pull.fork && !app.previewForks)
    return { action: 'ignore', reason: 'fork: the pull request comes from another repository, and previews of forks are off for this application' };
  if (pull.headSha === null || gitCommit(pull.headSha) !== null)
    return { action: 'ignore', reason: 'commit: the pull request’s head is not a valid commit hash' };
  const marker = skipMarker(pull.title);
  if (marker) return { action: 'ignore', reason: `skipped: ${marker} in the pull request title` };
  return { action: 'deploy', number: pull.number, commit: pull.headSha };
}

function toDto(r: WebhookDeliveryEntity, deploymentApplications: Map<string, string>): WebhookDeliveryDto {
  return {
    id: r.id,
    applicationId: r.applicationId,
    provider: r.provider,
    deliveryId: r.deliveryId,
    event: r.event,
    outcome: r.outcome,
    reason: r.reason,
    deploymentId: r.deploymentId,
    deploymentApplicationId: r.deploymentId ? (deploymentApplications.get(r.deploymentId) ?? null) : null,
    headers: r.headers,
    body: r.body,
    receivedAt: r.receivedAt.toISOString(),
  };
}

/**
 * The JSON payload, also when GitHub or Gitea were left on their form content type
 * (`payload=<url-encoded JSON>`): the signature is over the raw bytes either way. Anything else reads as nothing.
 */
export function readPayload(rawBody: Buffer, contentType: string | undefined): unknown {
  try {
    const text = rawBody.toString('utf8');
    if (contentType?.startsWith('application/x-www-form-urlencoded')) return JSON.parse(new URLSearchParams(text).get('payload') ?? '');
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, '\\$&');

/**
 * Provider webhooks: match a delivery to applications by repository, verify it against each
 * one's own secret before anything else, then queue a deployment through DeploymentsService.create
 * (the same method the UI and the API use). Every delivery leaves a row saying what happened.
 */
@Injectable()
export class WebhooksService {
  private readonly logger: Logger;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly applications: ApplicationsRepository,
    private readonly deploymentRows: DeploymentsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly deployments: DeploymentsService,
    private readonly previews: PreviewsService,
    private readonly audit: AuditService,
    private readonly rateLimiter: RateLimiter,
    private readonly box: SecretBox,
    @InjectLogger() logger: Logger,
  ) {
    this.logger = logger.child({ component: 'webhooks' });
  }

  urls(origin: string): Record<WebhookProvider, string> {
    return Object.fromEntries(WEBHOOK_PROVIDERS.map((p) => [p, `${origin}/webhooks/${p}`])) as Record<WebhookProvider, string>;
  }

  async settings(team: TeamScope, applicationId: string, origin: string): Promise<WebhookSettingsDto> {
    return { applicationId, urls: this.urls(origin), secretSet: await this.applications.hasWebhookSecret(team, applicationId) };
  }

  /** A new secret replaces the old one at once (deliveries signed with the old one are rejected from now on). */
  async rotateSecret(caller: Caller, team: TeamScope, applicationId: string, origin: string): Promise<WebhookSecretDto> {
    const secret = generateOpaqueToken('zpw');
    await this.dataSource.transaction(async (manager) => {
      const applications = this.applications.in(manager);
      const app = await applications.get(team, applicationId);
      await applications.change(team, applicationId, { webhookSecret: this.box.seal(secret, webhookSecretAad(applicationId)) });
      await this.audit.recordInTeam(manager, team, caller, {
        action: AuditAction.ApplicationWebhookSecretRotated,
        target: { type: 'application', id: applicationId },
        metadata: { name: app.name },
      });
    });
    return { applicationId, urls: this.urls(origin), secretSet: true, webhookSecret: secret };
  }

  async list(team: TeamScope, applicationId: string, query: PageQuery): Promise<Paginated<WebhookDeliveryDto>> {
    const window = pageWindow(query);
    const [rows, total] = await this.deliveries.pageOfApplication(team, applicationId, { skip: window.skip, take: window.perPage });
    // A pull request's deployment belongs to the preview: the log links to it there.
    const ids = [...new Set(rows.map((r) => r.deploymentId).filter((id): id is string => id !== null))];
    const deploymentApplications = await this.deploymentRows.applicationsOf(team, ids);
    return paginated(
      rows.map((r) => toDto(r, deploymentApplications)),
      total,
      window,
    );
  }

  /** Handles one delivery end to end; throws 401 when no candidate's secret verifies it. */
  async receive(provider: WebhookProvider, headers: Headers, rawBody: Buffer): Promise<WebhookResult> {
    const sentId = header(headers, DELIVERY_HEADERS[provider]);
    const bodySha256 = createHash('sha256').update(rawBody).digest('hex');
    // Without a usable delivery id, the body identifies the delivery: a resend of the same bytes is the same delivery.
    const deliveryId = sentId && DELIVERY_ID.test(sentId) ? sentId : `sha256:${bodySha256}`;
    const payload = readPayload(rawBody, header(headers, 'content-type'));
    const parsed = parseDelivery(provider, header(headers, EVENT_HEADERS[provider]), payload);
    const base = { provider, deliveryId, event: parsed.event || 'unknown', headers: this.headersOfInterest(provider, headers) };

    const candidates = await this.candidates(parsed.repositories);
    if (candidates.length === 0) {
      const reason = 'no matching application';
      if (await this.mayLogUnverified(null))
        await this.deliveries.claim({
          ...base,
          teamId: null,
          applicationId: null,
          outcome: 'ignored',
          reason,
          body: this.loggedBody(rawBody),
          bodySha256: null,
        });
      return { status: 202, receipt: { deliveries: [{ applicationId: null, outcome: 'ignored', reason, deploymentId: null }] } };
    }

    const signature = header(headers, SIGNATURE_HEADERS[provider]);
    const verified = candidates.filter((c) => c.webhookSecret !== null && verifySignature(provider, signature, rawBody, this.openSecret(c)));
    if (verified.length === 0) {
      const reason = !signature
        ? `signature: no ${SIGNATURE_HEADERS[provider]} header`
        : 'signature: does not match the application’s webhook secret';
      for (const c of candidates) {
        if (!(await this.mayLogUnverified(c.id))) continue;
        // An unauthenticated body is not stored: only that something claiming this repository was refused.
        await this.deliveries.claim({
          ...base,
          teamId: c.teamId,
          applicationId: c.id,
          outcome: 'rejected',
          reason: c.webhookSecret === null ? 'signature: the application has no webhook secret yet' : reason,
          body: '',
          bodySha256: null,
        });
      }
      throw new AppException(ErrorCode.Unauthorized, 'No valid webhook signature for any application of this repository');
    }

    const results: WebhookReceiptDto['deliveries'] = [];
    for (const app of verified) results.push(await this.handle(app, parsed, { ...base, body: this.loggedBody(rawBody), bodySha256 }));
    return { status: parsed.kind === 'ping' ? 200 : 202, receipt: { deliveries: results } };
  }

  private async handle(app: Candidate, parsed: ParsedDelivery, base: Received): Promise<WebhookReceiptDto['deliveries'][number]> {
    const claimed = await this.claimForProcessing(app, base);
    if (!claimed) {
      const first = await this.deliveries.findDelivery({ provider: base.provider, deliveryId: base.deliveryId, applicationId: app.id });
      // A redelivery: the first outcome stands and nothing new is queued.
      if (first && first.outcome !== 'rejected')
        return { applicationId: app.id, outcome: first.outcome, reason: first.reason, deploymentId: first.deploymentId };
      return this.replayed(app, base, first);
    }
    const { outcome, reason, deploymentId } =
      parsed.kind === 'pull' && parsed.pull ? await this.handlePull(app, parsed.pull, base) : await this.handlePush(app, parsed, base);
    await this.deliveries.record(claimed, { outcome, reason, deploymentId });
    return { applicationId: app.id, outcome, reason, deploymentId };
  }

  private async handlePush(app: Candidate, parsed: ParsedDelivery, base: Pick<WebhookDeliveryEntity, 'provider' | 'deliveryId'>): Promise<Handled> {
    const decision = decide(app, parsed);
    if (decision.outcome !== 'accepted' || !decision.commit) return { outcome: decision.outcome, reason: decision.reason, deploymentId: null };
    try {
      const deployment = await this.deployments.create(null, teamScope(app.teamId), app.id, {
        trigger: 'webhook',
        commit: decision.commit,
        tag: decision.tag,
        actorName: `${PROVIDER_NAMES[base.provider]} webhook`,
      });
      return { outcome: 'accepted', reason: decision.reason, deploymentId: deployment.id };
    } catch (error) {
      this.logger.warn({ err: error, applicationId: app.id, deliveryId: base.deliveryId }, 'webhook deployment not created');
      return { outcome: 'ignored', reason: 'error: the deployment could not be created', deploymentId: null };
    }
  }

  /** Opened, reopened or updated: the preview is created or refreshed and its head deployed; closed or merged: it is removed. */
  private async handlePull(app: Candidate, pull: PullRequestEvent, base: Pick<WebhookDeliveryEntity, 'provider' | 'deliveryId'>): Promise<Handled> {
    const decision = decidePull(app, pull);
    try {
      if (decision.action === 'ignore') return { outcome: 'ignored', reason: decision.reason, deploymentId: null };
      if (decision.action === 'close') {
        const removed = await this.previews.close(teamScope(app.teamId), app.id, decision.number);
        if (!removed)
          return { outcome: 'ignored', reason: `pull request: #${decision.number} ${pull.actionName}, and it has no preview`, deploymentId: null };
        return {
          outcome: 'accepted',
          reason: `preview removed: #${decision.number} ${pull.actionName}${removed.domain ? ` (${removed.domain})` : ''}`,
          deploymentId: null,
        };
      }
      const provider = base.provider === 'bitbucket' ? null : base.provider;
      if (!provider)
        return { outcome: 'ignored', reason: 'event: previews are built for GitHub, GitLab and Gitea pull requests', deploymentId: null };
      const deployed = await this.previews.deploy(
        teamScope(app.teamId),
        app.id,
        {
          provider,
          number: decision.number,
          title: pull.title,
          headSha: decision.commit,
          headBranch: pull.headBranch ?? '',
          fork: pull.fork,
          link: pull.link,
        },
        `${PROVIDER_NAMES[base.provider]} webhook (pull request #${decision.number})`,
      );
      return { outcome: 'accepted', reason: `preview deployed: #${decision.number} at ${deployed.domain}`, deploymentId: deployed.deploymentId };
    } catch (error) {
      this.logger.warn({ err: error, applicationId: app.id, deliveryId: base.deliveryId }, 'webhook preview not handled');
      const detail = error instanceof AppException && error.status < 500 ? `: ${error.message}` : '';
      return {
        outcome: 'ignored',
        reason: `error: the preview could not be ${decision.action === 'close' ? 'removed' : 'deployed'}${detail}`.slice(0, 500),
        deploymentId: null,
      };
    }
  }

  /**
   * The same signed bytes, already handled for this application under another delivery id: only
   * someone replaying a captured delivery sends that (a provider's own redelivery keeps its id).
   * Answered and logged, nothing queued.
   */
  private async replayed(
    app: Candidate,
    base: Received,
    rejectedRow: WebhookDeliveryEntity | null,
  ): Promise<WebhookReceiptDto['deliveries'][number]> {
    const original = await this.deliveries.findSameBody(app.id, base.bodySha256 as string);
    const reason = `duplicate: the same signed body was already received${original ? ` as delivery ${original.deliveryId}` : ''}; nothing is deployed again`;
    this.logger.warn({ applicationId: app.id, deliveryId: base.deliveryId, originalDeliveryId: original?.deliveryId }, 'webhook delivery replayed');
    if (rejectedRow)
      await this.deliveries.record(rejectedRow.id, { outcome: 'ignored', reason, body: base.body, headers: base.headers, receivedAt: new Date() });
    else await this.deliveries.claim({ ...base, bodySha256: null, teamId: app.teamId, applicationId: app.id, outcome: 'ignored', reason });
    return { applicationId: app.id, outcome: 'ignored', reason, deploymentId: null };
  }

  /** Claims the delivery for the application; a row left `rejected` earlier (e.g. before the secret was fixed) is taken over. */
  private async claimForProcessing(app: Candidate, base: Received): Promise<string | null> {
    const inserted = await this.deliveries.claim({ ...base, teamId: app.teamId, applicationId: app.id, outcome: 'ignored', reason: PROCESSING });
    if (inserted) return inserted;
    try {
      return await this.deliveries.retakeRejected(
        { provider: base.provider, deliveryId: base.deliveryId, applicationId: app.id },
        { outcome: 'ignored', reason: PROCESSING, body: base.body, headers: base.headers, bodySha256: base.bodySha256 },
      );
    } catch (error) {
      // The same body was handled under another delivery id meanwhile: a replay.
      if (violatedConstraint(error, PG_UNIQUE_VIOLATION)) return null;
      throw error;
    }
  }

  /** Applications whose repository is one the payload names (any spelling), with or without a secret. */
  private async candidates(repositories: string[]): Promise<Candidate[]> {
    if (repositories.length === 0) return [];
    const patterns = [...new Set(repositories.map((r) => `%${escapeLike(repoName(r))}%`))];
    const wanted = new Set(repositories);
    return (await this.applications.webhookCandidates(patterns)).filter((c) => {
      const key = normalizeRepoUrl(c.gitUrl);
      return key !== null && wanted.has(key);
    });
  }

  private async mayLogUnverified(applicationId: string | null): Promise<boolean> {
    try {
      return (
        (await this.rateLimiter.hit({ key: `webhook-unverified:${applicationId ?? 'none'}`, ...UNVERIFIED_LOG_LIMIT })) <= UNVERIFIED_LOG_LIMIT.limit
      );
    } catch (error) {
      // Redis unavailable: log the delivery anyway (pruning still bounds the table).
      this.logger.warn({ err: error }, 'webhook log limit not checked');
      return true;
    }
  }

  private openSecret(c: Candidate): string {
    try {
      return this.box.open(c.webhookSecret as string, webhookSecretAad(c.id));
    } catch (error) {
      this.logger.error({ err: error, applicationId: c.id }, 'webhook secret could not be opened');
      return '';
    }
  }

  private headersOfInterest(provider: WebhookProvider, headers: Headers): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of ['user-agent', 'content-type', EVENT_HEADERS[provider], DELIVERY_HEADERS[provider]]) {
      const value = header(headers, name);
      if (value !== undefined) out[name] = value.slice(0, 300);
    }
    // Whether a proof was sent, never the proof itself.
    out[SIGNATURE_HEADERS[provider]] = header(headers, SIGNATURE_HEADERS[provider]) ? '(present)' : '(absent)';
    return out;
  }

  private loggedBody(rawBody: Buffer): string {
    const text = rawBody.subarray(0, WEBHOOK_LOGGED_BODY).toString('utf8');
    // Postgres text cannot hold NUL; a cut through a multi-byte character shows as U+FFFD.
    return text.replace(/\0/g, '\uFFFD');
  }
}
