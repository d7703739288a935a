import type { SmtpSecurity } from '@zpanel/contracts';
import type { SendOutcome } from './channel-sender';

/** An SMTP server and the sender address (a channel's settings, or the instance's SMTP settings), the password opened. */
export interface SmtpTarget {
  host: string;
  port: number;
  security: SmtpSecurity;
  username: string | null;
  password: string | null;
  from: string;
}

/** One email: plain text always, HTML optionally (already escaped by whoever built it). */
export interface MailerMessage {
  to: string | string[];
  subject: string;
  text: string;
  html?: string;
}

/**
 * Sends one email through an SMTP server; one attempt. `status` of the outcome is always null;
 * a connection failure, a timeout or a 4xx SMTP reply is retryable, a 5xx reply (bad address,
 * authentication refused) is not.
 */
export interface Mailer {
  send(target: SmtpTarget, message: MailerMessage, signal: AbortSignal): Promise<SendOutcome>;
}
