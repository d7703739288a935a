import { Injectable } from '@nestjs/common';
import { JobName, type JobPayload, type JobResult, type MailMessage } from '@zpanel/contracts';
import { type AppConfig, InjectConfig, InjectLogger, SecretBox } from '@zpanel/core';
import { InstanceRepository, instanceSmtpPasswordAad } from '@zpanel/database';
import { HandlesJob, type JobContext, type JobHandler } from '@zpanel/queue';
import type { Mailer } from '@zpanel/remote';
import type { Logger } from 'pino';
import { scrubSecrets } from './delivery-policy';
import { InjectMailer } from './notification-senders.provider';

export const NO_SMTP_REASON = 'no SMTP server is configured for this instance';

/** A retryable failure: thrown so BullMQ tries the job again (as many attempts as its enqueue gave it). */
export class MailNotSentError extends Error {}

/**
 * `mail.send`: one email (an invitation, a password reset, a person's own notice) through the
 * instance's SMTP settings. The message is sealed in the job (a reset link is a credential) and
 * opened here; the password is opened from the instance row. No SMTP settings, or a refusal that
 * will not change (a 5xx reply, a bad address), answer `sent: false` with the reason, not retried;
 * a connection failure or a 4xx reply throws, so the job is tried again. Never logs the message,
 * the address or the password.
 */
@Injectable()
@HandlesJob(JobName.MailSend)
export class MailSendHandler implements JobHandler<JobName.MailSend> {
  private readonly log: Logger;

  constructor(
    private readonly instance: InstanceRepository,
    private readonly box: SecretBox,
    @InjectMailer() private readonly mailer: Mailer,
    @InjectConfig() private readonly config: AppConfig,
    @InjectLogger() logger: Logger,
  ) {
    this.log = logger.child({ component: 'mail-send' });
  }

  async handle(job: JobPayload<JobName.MailSend>, context: JobContext): Promise<JobResult<JobName.MailSend>> {
    let message: MailMessage;
    try {
      message = JSON.parse(this.box.open(job.sealedMessage, job.aad)) as MailMessage;
    } catch {
      return { sent: false, reason: 'the message could not be opened' };
    }
    const smtp = await this.instance.sealedSmtp();
    if (!smtp) return { sent: false, reason: NO_SMTP_REASON };
    let password: string | null = null;
    try {
      password = smtp.sealedPassword ? this.box.open(smtp.sealedPassword, instanceSmtpPasswordAad(smtp.instanceId)) : null;
    } catch {
      return { sent: false, reason: 'the SMTP password could not be opened; save it again' };
    }
    const signal = AbortSignal.any([context.signal, AbortSignal.timeout(this.config.notifications.timeoutMs)]);
    const outcome = await this.mailer.send({ ...smtp.smtp, password }, { to: message.to, subject: message.subject, text: message.text }, signal);
    if (outcome.ok) return { sent: true };
    outcome.error = scrubSecrets(outcome.error, [password]);
    this.log.warn({ jobId: context.jobId, attempt: context.attempt, retryable: outcome.retryable, error: outcome.error }, 'email not sent');
    if (outcome.retryable) throw new MailNotSentError(outcome.error);
    return { sent: false, reason: outcome.error };
  }
}
