import { SMTPServer } from 'smtp-server';
import { waitFor } from './wait-for';

/** One email the test SMTP server took, decoded enough for assertions. */
export interface ReceivedMail {
  /** MAIL FROM. */
  from: string;
  /** RCPT TO, each. */
  to: string[];
  /** The Subject header, encoded words decoded. */
  subject: string;
  /** The text body, quoted-printable or base64 decoded. */
  text: string;
  /** Headers by lower-case name (the last of a repeated one). */
  headers: Record<string, string>;
  /** The user name the client authenticated with (null: none). */
  username: string | null;
  /** Whether the session was encrypted when the message came (STARTTLS or TLS). */
  secure: boolean;
  /** The message as sent (headers and body, undecoded). */
  raw: string;
  receivedAt: Date;
}

export interface TestSmtpServerOptions {
  /** Require AUTH with these credentials; without them any client may send (no AUTH offered). */
  username?: string;
  password?: string;
  /** Require AUTH with one of these user names and its password. */
  users?: Record<string, string>;
  /** A certificate (PEM) to offer STARTTLS with, or with `implicitTls` to speak TLS from the first byte. */
  tls?: { key: string; cert: string };
  implicitTls?: boolean;
  /** Recipients answered 550 (no such user). */
  rejectRecipients?: string[];
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  const joined = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < joined.length; i++) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(joined[i], 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** RFC 2047 encoded words (`=?UTF-8?B?…?=`, `=?UTF-8?Q?…?=`) in a header. */
function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BQ])\?([^?]*)\?=/gi, (_all, _charset: string, kind: string, data: string) =>
      kind.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
}

/** Splits a raw single-part message into headers and its decoded body. */
export function parseMail(raw: string): { headers: Record<string, string>; text: string } {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const decoded =
    encoding === 'quoted-printable'
      ? decodeQuotedPrintable(body)
      : encoding === 'base64'
        ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
        : body;
  return { headers, text: decoded.replace(/\r\n/g, '\n') };
}

/**
 * A real SMTP server (the `smtp-server` package) on a free 127.0.0.1 port, in the test process,
 * keeping what it receives in memory. Without `tls` it is plain SMTP (STARTTLS not offered), so
 * Zpanel's settings use `security: 'none'`; with `tls` it offers STARTTLS (or, with `implicitTls`,
 * speaks TLS from the first byte). With `username`/`password` or `users` it requires AUTH and refuses
 * other credentials (535). `failNext(n)` answers the next n messages with a temporary failure (451).
 */
export class TestSmtpServer {
  readonly host = '127.0.0.1';

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
    private readonly inbox: { received: ReceivedMail[]; failures: number },
  ) {}

  /** Every message received so far, oldest first. */
  get received(): ReceivedMail[] {
    return this.inbox.received;
  }

  static async start(options: TestSmtpServerOptions = {}): Promise<TestSmtpServer> {
    const inbox: { received: ReceivedMail[]; failures: number } = { received: [], failures: 0 };
    const users: Record<string, string> = { ...options.users };
    if (options.username !== undefined) users[options.username] = options.password ?? '';
    const requireAuth = Object.keys(users).length > 0;
    const disabled = [...(options.tls ? [] : ['STARTTLS']), ...(requireAuth ? [] : ['AUTH'])];
    const server = new SMTPServer({
      secure: Boolean(options.tls && options.implicitTls),
      ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : { hideSTARTTLS: true }),
      disabledCommands: disabled,
      authOptional: !requireAuth,
      allowInsecureAuth: true,
      logger: false,
      size: 1024 * 1024,
      onAuth(auth, _session, callback) {
        const expected = Object.hasOwn(users, auth.username ?? '') ? users[auth.username as string] : undefined;
        if (expected !== undefined && auth.password === expected) callback(null, { user: auth.username });
        else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      },
      onRcptTo(address, _session, callback) {
        if (options.rejectRecipients?.includes(address.address)) callback(Object.assign(new Error('No such user here'), { responseCode: 550 }));
        else callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (inbox.failures > 0) {
            inbox.failures -= 1;
            const error = new Error('Try again later') as Error & { responseCode: number };
            error.responseCode = 451;
            callback(error);
            return;
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          const { headers, text } = parseMail(raw);
          inbox.received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            subject: decodeHeader(headers['subject'] ?? ''),
            text,
            headers,
            username: typeof session.user === 'string' ? session.user : null,
            secure: session.secure,
            raw,
            receivedAt: new Date(),
          });
          callback();
        });
      },
    });
    server.on('error', () => undefined);
    const port = await new Promise<number>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.server.address();
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('the SMTP server has no port'));
      });
    });
    return new TestSmtpServer(server, port, inbox);
  }

  /** Settings for Zpanel's SMTP fields (PATCH /api/v1/system/settings, an email channel). */
  settings(from = 'zpanel@example.com'): { host: string; port: number; security: 'none'; username: string | null; from: string } {
    return { host: this.host, port: this.port, security: 'none', username: null, from };
  }

  /** The messages to `address` received so far (case-insensitive). */
  to(address: string): ReceivedMail[] {
    return this.received.filter((mail) => mail.to.some((to) => to.toLowerCase() === address.toLowerCase()));
  }

  /** Waits for a message to `address` (that `match` accepts, when given), received after `since` when given. */
  waitForMail(address: string, options: { match?: (mail: ReceivedMail) => boolean; since?: Date; timeoutMs?: number } = {}): Promise<ReceivedMail> {
    return waitFor(
      async () => this.to(address).find((mail) => (!options.since || mail.receivedAt >= options.since) && (!options.match || options.match(mail))),
      options.timeoutMs ?? 20_000,
      `an email to ${address}`,
    );
  }

  /** Answers the next `count` messages with 451 (a temporary failure the sender should retry). */
  failNext(count: number): this {
    this.inbox.failures = count;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The first http(s) link in a text (an emailed invitation or reset link). */
export function firstLink(text: string): string {
  const match = /https?:\/\/[^\s<>"]+/.exec(text);
  if (!match) throw new Error(`no link in: ${text}`);
  return match[0];
}
