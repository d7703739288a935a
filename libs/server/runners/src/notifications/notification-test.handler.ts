import { Injectable } from '@nestjs/common';
import { JobName, type JobPayload, type JobResult } from '@zpanel/contracts';
import { type AppConfig, InjectConfig, InjectLogger, SecretBox } from '@zpanel/core';
import { TeamsRepository, teamScope } from '@zpanel/database';
import { HandlesJob, type JobContext, type JobHandler } from '@zpanel/queue';
import type { ChannelSender } from '@zpanel/remote';
import type { Logger } from 'pino';
import { scrubSecrets } from './delivery-policy';
import { openChannelSecrets } from './notification-deliver.handler';
import { testMessageOf } from './notification-messages';
import { InjectChannelSender } from './notification-senders.provider';
import { PublicUrlCache } from './public-url-cache';

/**
 * `notification.test` ("Send test", answered to the API's `enqueueAndWait`): opens the sealed
 * secrets the job carries, sends one message of type `test` to the settings, and answers with the
 * receiver's status or what went wrong in words, and how long it took. A receiver's failure is an
 * answer, never a thrown error; nothing is recorded.
 */
@Injectable()
@HandlesJob(JobName.NotificationTest)
export class NotificationTestHandler implements JobHandler<JobName.NotificationTest> {
  private readonly log: Logger;

  constructor(
    private readonly teams: TeamsRepository,
    private readonly publicUrls: PublicUrlCache,
    private readonly box: SecretBox,
    @InjectChannelSender() private readonly sender: ChannelSender,
    @InjectConfig() private readonly config: AppConfig,
    @InjectLogger() logger: Logger,
  ) {
    this.log = logger.child({ component: 'notification-test' });
  }

  async handle(job: JobPayload<JobName.NotificationTest>, context: JobContext): Promise<JobResult<JobName.NotificationTest>> {
    const started = performance.now();
    const answer = (ok: boolean, status: number | null, error: string | null) => ({
      ok,
      status,
      error,
      latencyMs: Math.round(performance.now() - started),
    });
    let secrets;
    try {
      secrets = openChannelSecrets(this.box, job.sealedSecrets, job.secretsAad);
    } catch {
      return answer(false, null, "the channel's secrets could not be opened; enter them again");
    }
    try {
      const team = await this.teams.get(teamScope(job.teamId));
      const message = testMessageOf({ id: team.id, name: team.name }, job.channelName, await this.publicUrls.get(), new Date());
      const signal = AbortSignal.any([context.signal, AbortSignal.timeout(this.config.notifications.timeoutMs)]);
      const outcome = await this.sender.send({ kind: job.kind, name: job.channelName, settings: job.settings, secrets }, message, signal);
      return outcome.ok ? answer(true, outcome.status, null) : answer(false, outcome.status, scrubSecrets(outcome.error, Object.values(secrets)));
    } catch (error) {
      this.log.error({ errName: error instanceof Error ? error.name : typeof error, teamId: job.teamId }, 'notification test failed on our side');
      return answer(false, null, 'internal error while sending the test');
    }
  }
}
