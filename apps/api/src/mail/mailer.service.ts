import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JobName, type JobResult, type MailMessage, type MailSendJob } from '@zpanel/contracts';
import { InjectLogger, SecretBox } from '@zpanel/core';
import { InstanceRepository } from '@zpanel/database';
import { JobProducer, enqueueMail } from '@zpanel/queue';
import type { Logger } from 'pino';

/** What the instance can send: `smtp` (email is on) and the public URL links start with. */
export interface MailStatus {
  smtp: boolean;
  publicUrl: string | null;
}

/**
 * The API's way to send an email through the instance's SMTP settings (docs/notifications.md,
 * "Instance email"): the message is sealed (a reset link or an invitation is a credential) with
 * additional data of its own, and the worker's `mail.send` job opens and sends it. The API never
 * talks SMTP itself (it may not import libs/server/remote).
 */
@Injectable()
export class Mailer {
  private readonly log: Logger;

  constructor(
    private readonly instance: InstanceRepository,
    private readonly jobs: JobProducer,
    private readonly box: SecretBox,
    @InjectLogger() logger: Logger,
  ) {
    this.log = logger.child({ component: 'mailer' });
  }

  async status(): Promise<MailStatus> {
    const settings = await this.instance.settings();
    return { smtp: Boolean(settings?.smtp), publicUrl: settings?.publicUrl ?? null };
  }

  /** `path` under the public URL, or null when none is set (an emailed link needs one; the request's Host is never trusted). */
  static link(status: MailStatus, path: string): string | null {
    return status.publicUrl ? `${status.publicUrl}${path}` : null;
  }

  /**
   * Queues the message (retried by the queue, see enqueueMail); false when email is off or it could
   * not be queued. Never throws: what it reports on has already happened.
   */
  async send(message: MailMessage): Promise<boolean> {
    try {
      if (!(await this.status()).smtp) return false;
      await enqueueMail(this.jobs, this.seal(message));
      return true;
    } catch (error) {
      this.log.warn({ err: error }, 'email not queued');
      return false;
    }
  }

  /** Sends one message and waits for the worker's answer (the settings' test email); throws when none comes in time. */
  sendAndWait(message: MailMessage, timeoutMs: number): Promise<JobResult<JobName.MailSend>> {
    return this.jobs.enqueueAndWait(JobName.MailSend, this.seal(message), timeoutMs);
  }

  private seal(message: MailMessage): MailSendJob {
    const aad = `mail:${randomUUID()}`;
    return { sealedMessage: this.box.seal(JSON.stringify(message), aad), aad };
  }
}
