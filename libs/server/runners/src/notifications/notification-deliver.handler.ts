import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { JobName, type JobPayload, type JobResult, NOTIFICATION_LIMITS, type NotificationChannelSecrets } from '@zpanel/contracts';
import { type AppConfig, InjectConfig, InjectLogger, SecretBox } from '@zpanel/core';
import {
  type NotificationChannelEntity,
  NotificationChannelsRepository,
  NotificationDeliveriesRepository,
  type NotificationEventEntity,
  type NotificationEventInput,
  NotificationEventsRepository,
  TeamsRepository,
  notificationChannelSecretsAad,
  teamScope,
} from '@zpanel/database';
import { HandlesJob, type JobContext, type JobHandler, JobProducer, enqueueNotificationDelivery } from '@zpanel/queue';
import type { ChannelSender } from '@zpanel/remote';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { type AttemptOutcome, nextDeliveryStep, scrubSecrets } from './delivery-policy';
import { type MessageNames, webhookBodyOf } from './notification-messages';
import { InjectChannelSender } from './notification-senders.provider';
import { Notifier } from './notifier';
import { PublicUrlCache } from './public-url-cache';

/** How long past its timeout an attempt holds its delivery before the reaper may take it as lost. */
const ATTEMPT_LEASE_MARGIN_MS = 5_000;
/** `last_error` is at most this long (the column's CHECK). */
const LAST_ERROR_LENGTH = 1_000;

/** The attempt a `notification.deliver` job is for, from its id (`deliver-<deliveryId>-<attempt>`); undefined for another id. */
export function deliveryAttemptOf(jobId: string, deliveryId: string): number | undefined {
  const prefix = `deliver-${deliveryId}-`;
  if (!jobId.startsWith(prefix)) return undefined;
  const attempt = Number(jobId.slice(prefix.length));
  return Number.isInteger(attempt) && attempt >= 1 ? attempt : undefined;
}

/** Opens a channel's sealed secrets JSON; throws when they cannot be opened (the caller says so in words, never the cause's text). */
export function openChannelSecrets(box: SecretBox, sealed: string | null, aad: string): NotificationChannelSecrets {
  if (!sealed) return {};
  const parsed: unknown = JSON.parse(box.open(sealed, aad));
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('sealed secrets are not an object');
  return parsed as NotificationChannelSecrets;
}

/**
 * `notification.deliver`: one attempt of one delivery (docs/notifications.md, "Delivery"). The
 * attempt is claimed on the row first (counted, and held for the timeout plus a margin), so a
 * duplicate job sends nothing; then the channel's secrets are opened, the message built and sent
 * with a timeout. Success clears the channel's run of failures; a retryable failure with attempts
 * left queues the next attempt after the backoff (or Retry-After); anything else fails the delivery
 * and counts against the channel, which is marked failing (its team's owners told) after
 * NOTIFICATION_LIMITS.failingAfter final failures in a row. Never logs a secret or a channel's URL.
 */
@Injectable()
@HandlesJob(JobName.NotificationDeliver)
export class NotificationDeliverHandler implements JobHandler<JobName.NotificationDeliver> {
  private readonly log: Logger;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly deliveries: NotificationDeliveriesRepository,
    private readonly channels: NotificationChannelsRepository,
    private readonly events: NotificationEventsRepository,
    private readonly teams: TeamsRepository,
    private readonly publicUrls: PublicUrlCache,
    private readonly box: SecretBox,
    private readonly jobs: JobProducer,
    private readonly notifier: Notifier,
    @InjectChannelSender() private readonly sender: ChannelSender,
    @InjectConfig() private readonly config: AppConfig,
    @InjectLogger() logger: Logger,
  ) {
    this.log = logger.child({ component: 'notification-deliver' });
  }

  async handle({ deliveryId }: JobPayload<JobName.NotificationDeliver>, context: JobContext): Promise<JobResult<JobName.NotificationDeliver>> {
    const attempt = deliveryAttemptOf(context.jobId, deliveryId) ?? ((await this.deliveries.findById(deliveryId))?.attempts ?? 0) + 1;
    const { timeoutMs, retryBaseMs } = this.config.notifications;
    const delivery = await this.deliveries.claimAttempt(deliveryId, attempt, timeoutMs + ATTEMPT_LEASE_MARGIN_MS);
    if (!delivery) return { skipped: 'not waiting for this attempt' };

    const channel = await this.channels.findWithSealedSecrets(delivery.channelId);
    const event = await this.events.findById(delivery.eventId);
    // Both go with their delivery (CASCADE); a row deleted between the claim and here ends it.
    if (!channel || !event) return { skipped: 'channel or event deleted' };

    const outcome = await this.attempt(channel, event, context.signal);
    const step = nextDeliveryStep(outcome, attempt, retryBaseMs);
    const now = new Date();
    const recorded =
      step.status === 'succeeded'
        ? await this.recordSuccess(deliveryId, attempt, outcome.status, channel)
        : step.status === 'retrying'
          ? await this.deliveries.finishAttempt(deliveryId, attempt, {
              status: 'retrying',
              responseStatus: outcome.status,
              lastError: outcome.ok ? null : outcome.error.slice(0, LAST_ERROR_LENGTH),
              nextAttemptAt: new Date(now.getTime() + step.delayMs),
              finishedAt: null,
            })
          : await this.recordFailure(deliveryId, attempt, outcome, channel, now);
    if (!recorded) return { skipped: 'finished elsewhere' };
    if (step.status === 'retrying') {
      await enqueueNotificationDelivery(this.jobs, deliveryId, attempt + 1, step.delayMs).catch((error: unknown) =>
        this.log.warn({ err: error, deliveryId }, 'retry not queued; the reaper will'),
      );
    }
    const line = { deliveryId, channelId: channel.id, channelKind: channel.kind, attempt, status: step.status, responseStatus: outcome.status };
    if (outcome.ok) this.log.debug(line, 'notification delivered');
    else this.log.info({ ...line, error: outcome.error }, 'notification delivery attempt failed');
    return { status: step.status };
  }

  /**
   * Success, in one statement (the delivery and its channel's health); the owners' recovery notice
   * after it when the channel was failing. False when the delivery was no longer at this attempt.
   */
  private async recordSuccess(deliveryId: string, attempt: number, status: number | null, channel: NotificationChannelEntity): Promise<boolean> {
    const result = await this.deliveries.finishSucceeded(deliveryId, attempt, status);
    if (!result) return false;
    if (result.channelWasFailing) await this.notifier.notify(this.noticeOf(channel, 'recovered'));
    return true;
  }

  /** A final failure: the delivery, the channel's run of failures and, when it becomes failing, the owners' notice, in one transaction. */
  private async recordFailure(
    deliveryId: string,
    attempt: number,
    outcome: AttemptOutcome,
    channel: NotificationChannelEntity,
    now: Date,
  ): Promise<boolean> {
    const notices: string[] = [];
    const recorded = await this.dataSource.transaction(async (db) => {
      const finished = await this.deliveries.in(db).finishAttempt(deliveryId, attempt, {
        status: 'failed',
        responseStatus: outcome.status,
        lastError: outcome.ok ? null : outcome.error.slice(0, LAST_ERROR_LENGTH),
        nextAttemptAt: null,
        finishedAt: now,
      });
      if (!finished) return false;
      const health = await this.channels.in(db).recordFinalFailure(channel.id, NOTIFICATION_LIMITS.failingAfter);
      if (health?.becameFailing) {
        const notice = await this.notifier.notify(this.noticeOf(channel, 'failing', health.consecutiveFailures), db);
        if (notice) notices.push(notice.id);
      }
      return true;
    });
    for (const id of notices) await this.notifier.fanOut(id);
    return recorded;
  }

  /** One send, with the timeout; whatever goes wrong on our side is a failure in words (never the cause's text, which may hold a URL). */
  private async attempt(channel: NotificationChannelEntity, event: NotificationEventEntity, jobSignal: AbortSignal): Promise<AttemptOutcome> {
    let secrets: NotificationChannelSecrets;
    try {
      secrets = openChannelSecrets(this.box, channel.secrets, notificationChannelSecretsAad(channel.id));
    } catch {
      return { ok: false, retryable: false, status: null, retryAfterMs: null, error: "the channel's secrets could not be opened; save them again" };
    }
    const message = webhookBodyOf(event, await this.namesOf(event), await this.publicUrls.get());
    const signal = AbortSignal.any([jobSignal, AbortSignal.timeout(this.config.notifications.timeoutMs)]);
    try {
      const outcome = await this.sender.send({ kind: channel.kind, name: channel.name, settings: channel.settings, secrets }, message, signal);
      return outcome.ok ? outcome : { ...outcome, error: scrubSecrets(outcome.error, Object.values(secrets)) };
    } catch (error) {
      this.log.error({ errName: error instanceof Error ? error.name : typeof error, channelId: channel.id }, 'notification sender threw');
      return { ok: false, retryable: true, status: null, retryAfterMs: null, error: 'internal error while sending' };
    }
  }

  private async namesOf(event: NotificationEventEntity): Promise<MessageNames> {
    const teamId = event.teamId as string;
    const names = await this.teams.namesOf(teamScope(teamId), event.projectId, event.environmentId);
    return {
      team: { id: teamId, name: names?.team ?? '' },
      project: event.projectId && typeof names?.project === 'string' ? { id: event.projectId, name: names.project } : null,
      environment: event.environmentId && typeof names?.environment === 'string' ? { id: event.environmentId, name: names.environment } : null,
    };
  }

  /** The owners' notice that a channel is failing or works again. */
  private noticeOf(channel: NotificationChannelEntity, what: 'failing' | 'recovered', failures = 0): NotificationEventInput {
    return what === 'failing'
      ? {
          teamId: channel.teamId,
          audience: 'owners',
          kind: 'channel.failing',
          severity: 'error',
          title: `Notification channel ${channel.name} is failing`,
          message: `The last ${failures} notifications to the ${channel.kind} channel ${channel.name} could not be delivered. Its delivery log says why.`,
          url: `/notifications/channels/${channel.id}`,
          subject: { type: 'channel', id: channel.id, name: channel.name },
        }
      : {
          teamId: channel.teamId,
          audience: 'owners',
          kind: 'channel.recovered',
          severity: 'success',
          title: `Notification channel ${channel.name} works again`,
          message: `A notification to the ${channel.kind} channel ${channel.name} was delivered after it had been failing.`,
          url: `/notifications/channels/${channel.id}`,
          subject: { type: 'channel', id: channel.id, name: channel.name },
        };
  }
}
