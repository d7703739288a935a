import type { NotificationWebhookBody } from '@zpanel/contracts';
import { FakeChannelSender, FakeMailer, aFailedOutcome } from './fake-notification-senders';
import type { OpenedChannel } from './channel-sender';

const channel: OpenedChannel = { kind: 'slack', name: 'ops', settings: {}, secrets: { webhookUrl: 'https://hooks.example/x' } };
const message = { id: 'evt_1', title: 'Deployment failed' } as NotificationWebhookBody;
const live = () => new AbortController().signal;

describe('FakeChannelSender', () => {
  it('records each send and answers ok by default', async () => {
    const sender = new FakeChannelSender();
    await expect(sender.send(channel, message, live())).resolves.toEqual({ ok: true, status: 200 });
    expect(sender.sent).toEqual([{ channel, message }]);
    expect(sender.sentTo('ops')).toEqual([message]);
    expect(sender.sentTo('other')).toEqual([]);
  });

  it('fails the next n sends with the scripted outcome, then succeeds', async () => {
    const sender = new FakeChannelSender().failNext(2, aFailedOutcome({ status: 429, retryAfterMs: 3_000 }));
    const outcomes = [];
    for (let i = 0; i < 3; i += 1) outcomes.push(await sender.send(channel, message, live()));
    expect(outcomes.map((outcome) => outcome.ok)).toEqual([false, false, true]);
    expect(outcomes[0]).toMatchObject({ status: 429, retryAfterMs: 3_000, retryable: true });
  });

  it('answers a retryable failure when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(new FakeChannelSender().send(channel, message, controller.signal)).resolves.toMatchObject({ ok: false, retryable: true });
  });
});

describe('FakeMailer', () => {
  it('records emails by recipient and can be scripted', async () => {
    const mailer = new FakeMailer().failNext(1);
    const target = { host: 'smtp.example', port: 587, security: 'starttls' as const, username: null, password: null, from: 'z@example.com' };
    const email = { to: ['a@example.com', 'b@example.com'], subject: 'Hi', text: 'Hello' };
    await expect(mailer.send(target, email, live())).resolves.toMatchObject({ ok: false, status: null });
    await expect(mailer.send(target, email, live())).resolves.toEqual({ ok: true, status: null });
    expect(mailer.sentTo('b@example.com')).toHaveLength(2);
    expect(mailer.sentTo('c@example.com')).toHaveLength(0);
  });
});
