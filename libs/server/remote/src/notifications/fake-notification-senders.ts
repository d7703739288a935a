import type { NotificationWebhookBody } from '@zpanel/contracts';
import type { ChannelSender, OpenedChannel, SendOutcome } from './channel-sender';
import type { Mailer, MailerMessage, SmtpTarget } from './mailer';

type FailedOutcome = Extract<SendOutcome, { ok: false }>;

/** A failure to script, with the defaults of a receiver answering 503. */
export function aFailedOutcome(overrides: Partial<FailedOutcome> = {}): FailedOutcome {
  return { ok: false, retryable: true, status: 503, retryAfterMs: null, error: 'the receiver answered 503 Service Unavailable', ...overrides };
}

/**
 * Scripted outcomes shared by the fakes: `failNext(n, outcome)` makes the next n sends answer
 * `outcome`, `answer(outcome)` sets what every later unscripted send answers (ok by default).
 */
class ScriptedOutcomes {
  private readonly queued: SendOutcome[] = [];
  private fallback: SendOutcome;

  constructor(ok: SendOutcome) {
    this.fallback = ok;
  }

  failNext(times: number, outcome: FailedOutcome): void {
    for (let i = 0; i < times; i += 1) this.queued.push(outcome);
  }

  queue(...outcomes: SendOutcome[]): void {
    this.queued.push(...outcomes);
  }

  answer(outcome: SendOutcome): void {
    this.fallback = outcome;
  }

  next(): SendOutcome {
    return structuredClone(this.queued.shift() ?? this.fallback);
  }
}

/**
 * In-memory `ChannelSender` for unit tests: records every send (channel and message, copied), and
 * answers with the scripted outcomes in order, then `{ ok: true, status: 200 }` (or what `answer`
 * set). An aborted signal answers a retryable failure, as a real timeout would.
 */
export class FakeChannelSender implements ChannelSender {
  readonly sent: { channel: OpenedChannel; message: NotificationWebhookBody }[] = [];
  private readonly outcomes = new ScriptedOutcomes({ ok: true, status: 200 });

  /** The next `times` sends answer `outcome` (default: a retryable 503). */
  failNext(times: number, outcome: FailedOutcome = aFailedOutcome()): this {
    this.outcomes.failNext(times, outcome);
    return this;
  }

  /** Queues the exact outcomes of the next sends. */
  queue(...outcomes: SendOutcome[]): this {
    this.outcomes.queue(...outcomes);
    return this;
  }

  /** What every send answers once the queue is empty. */
  answer(outcome: SendOutcome): this {
    this.outcomes.answer(outcome);
    return this;
  }

  /** The messages sent to the channel named `name`. */
  sentTo(name: string): NotificationWebhookBody[] {
    return this.sent.filter((entry) => entry.channel.name === name).map((entry) => entry.message);
  }

  async send(channel: OpenedChannel, message: NotificationWebhookBody, signal: AbortSignal): Promise<SendOutcome> {
    this.sent.push({ channel: structuredClone(channel), message: structuredClone(message) });
    if (signal.aborted) return aFailedOutcome({ status: null, error: 'the attempt was aborted' });
    return this.outcomes.next();
  }
}

/** In-memory `Mailer` for unit tests: records every email, answers as FakeChannelSender does (ok: `{ ok: true, status: null }`). */
export class FakeMailer implements Mailer {
  readonly sent: { target: SmtpTarget; message: MailerMessage }[] = [];
  private readonly outcomes = new ScriptedOutcomes({ ok: true, status: null });

  failNext(times: number, outcome: FailedOutcome = aFailedOutcome({ status: null, error: 'the SMTP server could not be reached' })): this {
    this.outcomes.failNext(times, outcome);
    return this;
  }

  queue(...outcomes: SendOutcome[]): this {
    this.outcomes.queue(...outcomes);
    return this;
  }

  answer(outcome: SendOutcome): this {
    this.outcomes.answer(outcome);
    return this;
  }

  /** The emails sent to `address` (alone or among others). */
  sentTo(address: string): MailerMessage[] {
    return this.sent
      .filter((entry) => (Array.isArray(entry.message.to) ? entry.message.to : [entry.message.to]).includes(address))
      .map((entry) => entry.message);
  }

  async send(target: SmtpTarget, message: MailerMessage, signal: AbortSignal): Promise<SendOutcome> {
    this.sent.push({ target: structuredClone(target), message: structuredClone(message) });
    if (signal.aborted) return aFailedOutcome({ status: null, error: 'the attempt was aborted' });
    return this.outcomes.next();
  }
}

/** A plausible generic webhook body (a failed deployment), with any field overridden. */
export function aNotificationWebhookBody(overrides: Partial<NotificationWebhookBody> = {}): NotificationWebhookBody {
  return {
    version: 1,
    id: 'a3e5c0de-1f7b-4d8e-9a51-0c2b7f3e9d10',
    type: 'deployment.failed',
    occurredAt: '2026-12-07T19:00:00.000Z',
    severity: 'error',
    title: 'Deployment of shop failed',
    message: 'The health check did not pass after 3 tries (HTTP 502 on /health).',
    url: 'https://zpanel.example.com/projects/p1/applications/a1/deployments/d1',
    team: { id: 't1', name: 'Acme' },
    project: { id: 'p1', name: 'Shop' },
    environment: { id: 'e1', name: 'production' },
    subject: { type: 'deployment', id: 'd1', name: 'shop' },
    data: { commit: '3f2a9c1', reason: 'health check failed' },
    ...overrides,
  };
}
