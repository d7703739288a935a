import { Inject, type Provider } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@zpanel/core';
import { NotificationSenders, SmtpMailer } from '@zpanel/remote';

/**
 * The provider token of the worker's `ChannelSender` (@zpanel/remote): the real senders in the
 * worker, a `FakeChannelSender` in unit specs.
 */
export const CHANNEL_SENDER = 'zpanel:notification-channel-sender';
/** The provider token of the worker's SMTP `Mailer` (@zpanel/remote), for instance email (`mail.send`). */
export const MAILER = 'zpanel:notification-mailer';

export const InjectChannelSender = (): ParameterDecorator => Inject(CHANNEL_SENDER);
export const InjectMailer = (): ParameterDecorator => Inject(MAILER);

/**
 * The worker's senders, bound to their tokens: the real ones (@zpanel/remote), with the instance's
 * address policy, the attempt timeout and Telegram's API origin from the configuration.
 */
export const NOTIFICATION_SENDER_PROVIDERS: Provider[] = [
  { provide: CHANNEL_SENDER, useFactory: (config: AppConfig) => NotificationSenders.fromConfig(config), inject: [APP_CONFIG] },
  { provide: MAILER, useFactory: (config: AppConfig) => SmtpMailer.fromConfig(config), inject: [APP_CONFIG] },
];
