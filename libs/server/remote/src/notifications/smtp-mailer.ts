import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import { SMTP_SECURITIES } from '@zpanel/contracts';
import { AddressNotAllowedError, AddressPolicy } from '@zpanel/core';
import type { AddressPolicySettings, AppConfig, HostResolver } from '@zpanel/core';
import { createTransport } from 'nodemailer';
import type { SendOutcome } from './channel-sender';
import type { Mailer, MailerMessage, SmtpTarget } from './mailer';
import { aborted, badSettings, isCertificateError, refusedAddress, sanitizeDetail, timedOut, unresolvedHost, untilAborted } from './send-outcomes';

export interface SmtpMailerOptions {
  /** The instance's address policy (`config.network`): the SMTP host is checked on its resolved address at each send. */
  network: AddressPolicySettings;
  /** One send's limit: connect, greeting, TLS, login and the message (`config.notifications.timeoutMs`). */
  timeoutMs: number;
  /** Resolves host names (tests map a name to loopback); the system resolver by default. */
  resolver?: HostResolver;
  /**
   * CA certificates (PEM) trusted besides the system's, for an SMTP server with a private CA; the
   * int-spec passes its self-signed test CA here. Certificates are always verified.
   */
  caCertificates?: readonly string[];
}

const SMTP_LABEL = 'the SMTP host';

interface SmtpError {
  code?: unknown;
  responseCode?: unknown;
  response?: unknown;
  command?: unknown;
  message?: unknown;
}

/**
 * Sends email with nodemailer, one connection per message, to the SMTP host's address checked by
 * the instance's address policy (connecting to that IP, the host name kept as the TLS server name,
 * so the certificate is verified against the name): `tls` is TLS from the first byte (465),
 * `starttls` requires the upgrade (587), `none` sends in the clear.
 */
export class SmtpMailer implements Mailer {
  private readonly policy: AddressPolicy;

  constructor(private readonly options: SmtpMailerOptions) {
    this.policy = new AddressPolicy(options.network, options.resolver);
  }

  /** The mailer as the worker configures it (instance email and email channels). */
  static fromConfig(config: Pick<AppConfig, 'network' | 'notifications'>): SmtpMailer {
    return new SmtpMailer({ network: config.network, timeoutMs: config.notifications.timeoutMs });
  }

  async send(target: SmtpTarget, message: MailerMessage, signal: AbortSignal): Promise<SendOutcome> {
    const problem = targetProblem(target);
    if (problem) return badSettings(problem);
    const recipients = Array.isArray(message.to) ? message.to : [message.to];
    if (recipients.length === 0) return badSettings('the email has no recipient');
    if (signal.aborted) return aborted();
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const attempt = AbortSignal.any([signal, timeout]);
    const host = target.host.replace(/^\[|\]$/g, '');
    let addresses: string[] | null;
    try {
      addresses = await untilAborted(this.policy.resolve(host, 'outbound'), attempt);
    } catch (error) {
      if (error instanceof AddressNotAllowedError) return error.reason === 'denied' ? refusedAddress(SMTP_LABEL) : unresolvedHost(SMTP_LABEL);
      throw error;
    }
    if (signal.aborted) return aborted();
    if (timeout.aborted || addresses === null) return timedOut('the SMTP server', this.options.timeoutMs);
    const servername = isIP(host) === 0 ? host : undefined;
    const transport = createTransport({
      host: addresses[0],
      port: target.port,
      secure: target.security === 'tls',
      requireTLS: target.security === 'starttls',
      ignoreTLS: target.security === 'none',
      ...(servername ? { servername } : {}),
      tls: {
        ...(servername ? { servername } : {}),
        minVersion: 'TLSv1.2',
        rejectUnauthorized: true,
        ...(this.options.caCertificates && this.options.caCertificates.length > 0
          ? { ca: [...rootCertificates, ...this.options.caCertificates] }
          : {}),
      },
      auth: target.username ? { user: target.username, pass: target.password ?? '' } : undefined,
      connectionTimeout: this.options.timeoutMs,
      greetingTimeout: this.options.timeoutMs,
      socketTimeout: this.options.timeoutMs,
      disableFileAccess: true,
      disableUrlAccess: true,
      logger: false,
      debug: false,
    });
    try {
      await transport.sendMail({
        from: target.from,
        to: recipients,
        subject: message.subject,
        text: message.text,
        ...(message.html === undefined ? {} : { html: message.html }),
        disableFileAccess: true,
        disableUrlAccess: true,
        signal: attempt,
      });
      return { ok: true, status: null };
    } catch (error) {
      if (signal.aborted) return aborted();
      if (timeout.aborted) return timedOut('the SMTP server', this.options.timeoutMs);
      return smtpFailure(
        error as SmtpError,
        [target.password ?? ''].filter((value) => value !== ''),
      );
    } finally {
      transport.close();
    }
  }
}

function targetProblem(target: SmtpTarget): string | null {
  if (typeof target.host !== 'string' || target.host.trim() === '') return 'the SMTP host is not set';
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65_535) return 'the SMTP port is not a port number';
  if (!(SMTP_SECURITIES as readonly string[]).includes(target.security)) return 'the SMTP security is not starttls, tls or none';
  if (typeof target.from !== 'string' || target.from.trim() === '') return 'the sender address is not set';
  return null;
}

const SMTP_NETWORK_WORDS: Record<string, string> = {
  ECONNECTION: 'the connection failed or was closed',
  ETIMEDOUT: 'the connection timed out',
  ESOCKET: 'the connection failed',
  EDNS: 'the host name does not resolve',
  EPROTOCOL: 'the server did not answer as an SMTP server',
};

/**
 * What an SMTP failure means. A reply code decides when there is one: 4xx (try later) retryable,
 * 5xx (refused: a bad login, an unknown recipient) not. Without one: a refused login, STARTTLS
 * missing or a certificate that does not verify are settings to fix, not retried; a connection that
 * failed or timed out is retried. The server's reply is quoted without the password.
 */
function smtpFailure(error: SmtpError, secrets: string[]): SendOutcome {
  const code = typeof error.code === 'string' ? error.code : '';
  const responseCode = typeof error.responseCode === 'number' ? error.responseCode : null;
  const reply = typeof error.response === 'string' ? sanitizeDetail(error.response, secrets) : '';
  const cause = (error as { cause?: unknown }).cause;
  if (isCertificateError(error) || isCertificateError(cause) || /certificate/i.test(String(error.message ?? ''))) {
    return badSettings('the SMTP server’s TLS certificate did not verify');
  }
  if (code === 'EAUTH' || code === 'ENOAUTH') {
    const temporary = responseCode !== null && responseCode >= 400 && responseCode < 500;
    return {
      ok: false,
      retryable: temporary,
      status: null,
      retryAfterMs: null,
      error: code === 'ENOAUTH' ? 'the SMTP server requires a login' : `the SMTP server refused the login${reply === '' ? '' : `: ${reply}`}`,
    };
  }
  if (code === 'ETLS') return badSettings('the SMTP server did not accept STARTTLS or TLS failed');
  if (responseCode !== null) {
    const retryable = responseCode >= 400 && responseCode < 500;
    const what = code === 'EENVELOPE' ? 'refused the sender or a recipient' : 'refused the message';
    return {
      ok: false,
      retryable,
      status: null,
      retryAfterMs: null,
      error: `the SMTP server ${what}${reply === '' ? ` (${responseCode})` : `: ${reply}`}`,
    };
  }
  if (code === 'EENVELOPE') return badSettings('the sender or a recipient address is not valid');
  const words = SMTP_NETWORK_WORDS[code] ?? 'a network error';
  return { ok: false, retryable: true, status: null, retryAfterMs: null, error: `could not reach the SMTP server: ${words}` };
}
