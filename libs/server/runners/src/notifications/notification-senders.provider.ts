import { Inject, type Provider } from '@nestjs/common';

/**
 * The provider token of the worker's `ChannelSender` (@zpanel/remote): the real senders in the
 * worker, a `FakeChannelSender` in unit specs.
 */
export const CHANNEL_SENDER = 'zpanel:notification-channel-sender';
/** The provider token of the worker's SMTP `Mailer` (@zpanel/remote), for instance email (`mail.send`). */
export const MAILER = 'zpanel:notification-mailer';

export const InjectChannelSender = (): ParameterDecorator => Inject(CHANNEL_SENDER);
export const InjectMailer = (): ParameterDecorator => Inject(MAILER);

/** Until the real senders land: every send answers that sending is not available (not retried). */
const UNAVAILABLE = {
  async send() {
    return { ok: false as const, retryable: false, status: null, retryAfterMs: null, error: 'sending is not available in this build yet' };
  },
};

/** The worker's senders, bound to their tokens. */
export const NOTIFICATION_SENDER_PROVIDERS: Provider[] = [
  { provide: CHANNEL_SENDER, useValue: UNAVAILABLE },
  { provide: MAILER, useValue: UNAVAILABLE },
];
