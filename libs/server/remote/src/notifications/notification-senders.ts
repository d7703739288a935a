import type { NotificationWebhookBody } from '@zpanel/contracts';
import { AddressNotAllowedError, AddressPolicy } from '@zpanel/core';
import type { AddressPolicySettings, AppConfig, HostResolver } from '@zpanel/core';
import type { ChannelSender, OpenedChannel, SendOutcome } from './channel-sender';
import { ChannelSettingsError, channelRequest } from './channel-requests';
import type { ChannelRequest } from './channel-requests';
import type { Mailer, SmtpTarget } from './mailer';
import { notificationEmail } from './notification-email';
import { pinnedPost } from './pinned-post';
import { aborted, badSettings, classifyAnswer, networkFailure, refusedAddress, timedOut, unresolvedHost, untilAborted } from './send-outcomes';
import { SmtpMailer } from './smtp-mailer';

export interface NotificationSendersOptions {
  /** The instance's address policy (`config.network`), applied to the resolved address of every send. */
  network: AddressPolicySettings;
  /** One attempt's limit, connecting to reading the answer (`config.notifications.timeoutMs`). */
  timeoutMs: number;
  /** Telegram's Bot API origin (`config.notifications.telegramApiUrl`). */
  telegramApiUrl: string;
  /** Resolves host names (tests map a name to an address); the system resolver by default. */
  resolver?: HostResolver;
  /** CA certificates (PEM) trusted besides the system's (a private CA); certificates are always verified. */
  caCertificates?: readonly string[];
  /** Sends the `email` kind; an SmtpMailer with the same policy, timeout and CAs by default. */
  mailer?: Mailer;
  /** The clock of the webhook signature's timestamp. */
  now?: () => Date;
}

/**
 * The real ChannelSender: one attempt to one channel, in the format its provider documents
 * (docs/notifications.md, "Channels"). Each send resolves the URL's host, checks every address
 * with the instance's address policy, and connects to a checked address (never to the name again);
 * no redirect is followed; the whole attempt has `timeoutMs`.
 */
export class NotificationSenders implements ChannelSender {
  private readonly policy: AddressPolicy;
  private readonly mailer: Mailer;
  private readonly now: () => Date;

  constructor(private readonly options: NotificationSendersOptions) {
    this.policy = new AddressPolicy(options.network, options.resolver);
    this.mailer =
      options.mailer ??
      new SmtpMailer({ network: options.network, timeoutMs: options.timeoutMs, resolver: options.resolver, caCertificates: options.caCertificates });
    this.now = options.now ?? (() => new Date());
  }

  /** The senders as the worker configures them. */
  static fromConfig(config: Pick<AppConfig, 'network' | 'notifications'>): NotificationSenders {
    return new NotificationSenders({
      network: config.network,
      timeoutMs: config.notifications.timeoutMs,
      telegramApiUrl: config.notifications.telegramApiUrl,
    });
  }

  async send(channel: OpenedChannel, message: NotificationWebhookBody, signal: AbortSignal): Promise<SendOutcome> {
    if (channel.kind === 'email') return this.sendEmail(channel, message, signal);
    let request: ChannelRequest;
    try {
      request = channelRequest(channel, message, { telegramApiUrl: this.options.telegramApiUrl, now: this.now() });
    } catch (error) {
      if (error instanceof ChannelSettingsError) return badSettings(error.message);
      throw error;
    }
    if (signal.aborted) return aborted();
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const attempt = AbortSignal.any([signal, timeout]);
    let addresses: string[] | null;
    try {
      addresses = await untilAborted(this.policy.resolve(request.url.hostname, 'outbound'), attempt);
    } catch (error) {
      if (error instanceof AddressNotAllowedError)
        return error.reason === 'denied' ? refusedAddress(request.urlLabel) : unresolvedHost(`the host of ${request.urlLabel}`);
      throw error;
    }
    if (signal.aborted) return aborted();
    if (timeout.aborted || addresses === null) return timedOut(request.receiver, this.options.timeoutMs);
    try {
      const answer = await pinnedPost({
        url: request.url,
        headers: request.headers,
        body: request.body,
        addresses,
        signal: attempt,
        caCertificates: this.options.caCertificates,
      });
      return classifyAnswer(answer, request.receiver, request.secrets);
    } catch (error) {
      if (signal.aborted) return aborted();
      if (timeout.aborted) return timedOut(request.receiver, this.options.timeoutMs);
      return networkFailure(error, request.receiver);
    }
  }

  private sendEmail(channel: OpenedChannel, message: NotificationWebhookBody, signal: AbortSignal): Promise<SendOutcome> {
    const { host, port, security, username, from, to } = channel.settings;
    const recipients = Array.isArray(to) ? to.filter((address): address is string => typeof address === 'string' && address !== '') : [];
    if (recipients.length === 0) return Promise.resolve(badSettings('the email channel has no recipient'));
    const target: SmtpTarget = {
      host: typeof host === 'string' ? host : '',
      port: typeof port === 'number' ? port : Number.NaN,
      security: security as SmtpTarget['security'],
      username: typeof username === 'string' && username !== '' ? username : null,
      password: channel.secrets.password ?? null,
      from: typeof from === 'string' ? from : '',
    };
    return this.mailer.send(target, notificationEmail(message, recipients), signal);
  }
}
