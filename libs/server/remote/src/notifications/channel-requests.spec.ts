import { injectionPayloads } from '@zpanel/core';
import type { NotificationWebhookBody } from '@zpanel/contracts';
import { Webhook } from 'standardwebhooks';
import type { OpenedChannel } from './channel-sender';
import {
  ChannelSettingsError,
  channelRequest,
  discordRequest,
  mattermostRequest,
  ntfyRequest,
  slackRequest,
  telegramRequest,
  webhookRequest,
  webhookSignature,
} from './channel-requests';
import { aNotificationWebhookBody } from './fake-notification-senders';

const SLACK_URL = 'https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX';
const DISCORD_URL = 'https://discord.com/api/webhooks/123/SECRETTOKEN';
const MATTERMOST_URL = 'https://chat.example.com/hooks/secrethookid';
const BOT_TOKEN = '123456789:AAEhBP0av28f0K9mXQ_2-abcdefghijklmno';
const SIGNING_SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
const NOW = new Date('2026-12-07T19:00:05Z');

const channels: Record<string, OpenedChannel> = {
  slack: { kind: 'slack', name: 'ops', settings: {}, secrets: { webhookUrl: SLACK_URL } },
  mattermost: { kind: 'mattermost', name: 'mm', settings: {}, secrets: { webhookUrl: MATTERMOST_URL } },
  discord: { kind: 'discord', name: 'dc', settings: {}, secrets: { webhookUrl: DISCORD_URL } },
  telegram: { kind: 'telegram', name: 'tg', settings: { chatId: '-1001234567890' }, secrets: { botToken: BOT_TOKEN } },
  ntfy: {
    kind: 'ntfy',
    name: 'nt',
    settings: { serverUrl: 'https://ntfy.example.com', topic: 'zpanel-alerts' },
    secrets: { accessToken: 'tk_secretaccess' },
  },
  webhook: {
    kind: 'webhook',
    name: 'wh',
    settings: { url: 'https://receiver.example.com/zpanel?key=abc' },
    secrets: { signingSecret: SIGNING_SECRET },
  },
};

const build = (channel: OpenedChannel, message: NotificationWebhookBody = aNotificationWebhookBody()) =>
  channelRequest(channel, message, { telegramApiUrl: 'https://api.telegram.org', now: NOW });
const payload = (body: string) => JSON.parse(body) as Record<string, unknown>;

describe('slackRequest', () => {
  it('POSTs mrkdwn text and blocks to the webhook URL, the title linked as <url|title>', () => {
    const request = slackRequest(channels.slack, aNotificationWebhookBody());
    expect(request.url.href).toBe(SLACK_URL);
    expect(request.headers).toMatchObject({ 'content-type': 'application/json', 'user-agent': 'Zpanel-Notifications/1' });
    expect(payload(request.body)).toEqual({
      text: 'Deployment of shop failed: The health check did not pass after 3 tries (HTTP 502 on /health).',
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: '*<https://zpanel.example.com/projects/p1/applications/a1/deployments/d1|Deployment of shop failed>*\nThe health check did not pass after 3 tries (HTTP 502 on /health).',
          },
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'Acme / Shop / production' }] },
      ],
    });
    expect(request.secrets).toContain(SLACK_URL);
  });

  it('escapes &, < and > and links nothing when the URL is only a path', () => {
    const request = slackRequest(channels.slack, aNotificationWebhookBody({ title: 'a <!channel> & b', url: '/projects/p1' }));
    const section = (payload(request.body).blocks as { text: { text: string } }[])[0].text.text;
    expect(section.split('\n')[0]).toBe('*a &lt;!channel&gt; &amp; b*');
  });
});

describe('mattermostRequest', () => {
  it('POSTs Markdown text with the title as [title](url)', () => {
    const request = mattermostRequest(channels.mattermost, aNotificationWebhookBody({ message: 'Done' }));
    expect(request.url.href).toBe(MATTERMOST_URL);
    expect(payload(request.body)).toEqual({
      text: '**[Deployment of shop failed](https://zpanel.example.com/projects/p1/applications/a1/deployments/d1)**\nDone\n_Acme / Shop / production_',
    });
  });

  it('sends a username override when the channel has one', () => {
    const request = mattermostRequest({ ...channels.mattermost, settings: { username: 'Zpanel' } }, aNotificationWebhookBody());
    expect(payload(request.body).username).toBe('Zpanel');
  });
});

describe('discordRequest', () => {
  it('POSTs one embed with title, description, url, colour and timestamp, and allows no mention', () => {
    const request = discordRequest(channels.discord, aNotificationWebhookBody());
    expect(request.url.href).toBe(DISCORD_URL);
    expect(payload(request.body)).toEqual({
      embeds: [
        {
          title: 'Deployment of shop failed',
          description: 'The health check did not pass after 3 tries \\(HTTP 502 on /health\\)\\.',
          url: 'https://zpanel.example.com/projects/p1/applications/a1/deployments/d1',
          color: 0xef4444,
          timestamp: '2026-12-07T19:00:00.000Z',
          footer: { text: 'Zpanel · Acme / Shop / production' },
        },
      ],
      allowed_mentions: { parse: [] },
    });
  });

  it('keeps the title within 256 and the description within 4096 characters', () => {
    const request = discordRequest(channels.discord, aNotificationWebhookBody({ title: 't'.repeat(1_000), message: '*'.repeat(10_000) }));
    const [embed] = payload(request.body).embeds as { title: string; description: string }[];
    expect(embed.title.length).toBeLessThanOrEqual(256);
    expect(embed.description.length).toBeLessThanOrEqual(4_096);
    expect(embed.description.endsWith('…')).toBe(true);
    expect(embed.description).not.toMatch(/\\…$/);
  });
});

describe('escapeWithin at the limit', () => {
  it('keeps a text of exactly the limit whole, and cuts one past it with an ellipsis', () => {
    const exact = discordRequest(channels.discord, aNotificationWebhookBody({ title: 't'.repeat(256) }));
    expect((payload(exact.body).embeds as { title: string }[])[0].title).toBe('t'.repeat(256));
    const over = discordRequest(channels.discord, aNotificationWebhookBody({ title: 't'.repeat(257) }));
    expect((payload(over.body).embeds as { title: string }[])[0].title).toBe(`${'t'.repeat(255)}…`);
  });

  it('leaves the timestamp out of a Discord embed when the time cannot be read', () => {
    const request = discordRequest(channels.discord, aNotificationWebhookBody({ occurredAt: 'not a date' }));
    expect((payload(request.body).embeds as Record<string, unknown>[])[0]).not.toHaveProperty('timestamp');
  });
});

describe('telegramRequest', () => {
  it('POSTs sendMessage to <api>/bot<token>/ with HTML text and no preview', () => {
    const request = telegramRequest(channels.telegram, aNotificationWebhookBody({ message: 'x < y' }), 'http://127.0.0.1:9/');
    expect(request.url.href).toBe(`http://127.0.0.1:9/bot${BOT_TOKEN}/sendMessage`);
    expect(payload(request.body)).toEqual({
      chat_id: '-1001234567890',
      text: '<b>Deployment of shop failed</b>\nx &lt; y\n<i>Acme / Shop / production</i>\n<a href="https://zpanel.example.com/projects/p1/applications/a1/deployments/d1">Open in Zpanel</a>',
      parse_mode: 'HTML',
      disable_web_page_preview: true,
    });
    expect(request.secrets).toContain(BOT_TOKEN);
  });

  it('refuses a token that is not a bot token, without quoting it', () => {
    const channel = { ...channels.telegram, secrets: { botToken: '1:abc/../../x?y' } };
    expect(() => telegramRequest(channel, aNotificationWebhookBody(), 'https://api.telegram.org')).toThrow(ChannelSettingsError);
    expect(() => telegramRequest(channel, aNotificationWebhookBody(), 'https://api.telegram.org')).not.toThrow(/abc/);
  });

  it('keeps the text within 4096 characters', () => {
    const request = telegramRequest(
      channels.telegram,
      aNotificationWebhookBody({ title: '<'.repeat(5_000), message: '&'.repeat(50_000) }),
      'https://api.telegram.org',
    );
    expect((payload(request.body).text as string).length).toBeLessThanOrEqual(4_096);
  });
});

describe('ntfyRequest', () => {
  it('POSTs JSON to the server root with topic, title, message, priority, tags, click and the token as Bearer', () => {
    const request = ntfyRequest(channels.ntfy, aNotificationWebhookBody({ message: 'Health check failed' }));
    expect(request.url.href).toBe('https://ntfy.example.com/');
    expect(request.headers.authorization).toBe('Bearer tk_secretaccess');
    expect(payload(request.body)).toEqual({
      topic: 'zpanel-alerts',
      title: 'Deployment of shop failed',
      message: 'Health check failed\n\nAcme / Shop / production',
      priority: 5,
      tags: ['rotating_light', 'deployment.failed'],
      click: 'https://zpanel.example.com/projects/p1/applications/a1/deployments/d1',
    });
  });

  it('sends no Authorization without a token, and priority 3 for a success', () => {
    const request = ntfyRequest({ ...channels.ntfy, secrets: {} }, aNotificationWebhookBody({ severity: 'success', type: 'deployment.succeeded' }));
    expect(request.headers.authorization).toBeUndefined();
    expect(payload(request.body)).toMatchObject({ priority: 3, tags: ['white_check_mark', 'deployment.succeeded'] });
  });

  it('keeps the message under ntfy’s 4096 bytes', () => {
    const request = ntfyRequest(channels.ntfy, aNotificationWebhookBody({ message: '\u{1F600}'.repeat(5_000) }));
    expect(Buffer.byteLength(payload(request.body).message as string)).toBeLessThanOrEqual(4_096);
  });
});

describe('webhookRequest', () => {
  it('POSTs the body as JSON with Standard Webhooks headers that an independent implementation verifies', () => {
    const message = aNotificationWebhookBody();
    const request = webhookRequest(channels.webhook, message, NOW);
    expect(request.url.href).toBe('https://receiver.example.com/zpanel?key=abc');
    expect(JSON.parse(request.body)).toEqual(message);
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Zpanel-Notifications/1',
      'webhook-id': message.id,
      'webhook-timestamp': String(Math.floor(NOW.getTime() / 1_000)),
    });
    expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    const verified = new Webhook(SIGNING_SECRET).verify(request.body, {
      'webhook-id': request.headers['webhook-id'],
      'webhook-timestamp': String(Math.floor(Date.now() / 1_000)),
      'webhook-signature': webhookSignature(SIGNING_SECRET, message.id, Math.floor(Date.now() / 1_000), request.body),
    });
    expect(verified).toEqual(message);
  });

  it('signs <id>.<timestamp>.<body> (the signature changes with each)', () => {
    const base = webhookSignature(SIGNING_SECRET, 'id1', 100, '{}');
    expect(webhookSignature(SIGNING_SECRET, 'id2', 100, '{}')).not.toBe(base);
    expect(webhookSignature(SIGNING_SECRET, 'id1', 101, '{}')).not.toBe(base);
    expect(webhookSignature(SIGNING_SECRET, 'id1', 100, '{ }')).not.toBe(base);
  });

  it('refuses a signing secret that is not whsec_', () => {
    const channel = { ...channels.webhook, secrets: { signingSecret: 'plain-secret' } };
    expect(() => webhookRequest(channel, aNotificationWebhookBody(), NOW)).toThrow('the webhook signing secret is not a whsec_ secret');
  });
});

describe('channelRequest', () => {
  it.each([
    ['slack', { ...channels.slack, secrets: {} }, 'the Slack webhook URL is not set'],
    ['discord', { ...channels.discord, secrets: { webhookUrl: 'ftp://x/y' } }, 'the Discord webhook URL is not an http(s) URL'],
    [
      'mattermost',
      { ...channels.mattermost, secrets: { webhookUrl: 'https://u:p@x/y' } },
      'the Mattermost webhook URL carries a user name or password',
    ],
    ['telegram', { ...channels.telegram, settings: {} }, 'the Telegram chat id is not set'],
    ['ntfy', { ...channels.ntfy, settings: { serverUrl: 'https://ntfy.sh', topic: 'a/b' } }, 'the ntfy topic is not set or not a topic name'],
    ['webhook', { ...channels.webhook, secrets: {} }, 'the webhook signing secret is not set'],
  ])('names what is missing or wrong (%s)', (_kind, channel, message) => {
    expect(() => build(channel as OpenedChannel)).toThrow(message);
  });
});

/** The hostile inputs of SECURITY.md, and the markup and mentions of each format. */
const HOSTILE = [
  ...injectionPayloads('/tmp/zpanel-canary'),
  '<!channel> <!here> <!everyone> <@U024BE7LH> <#C024BE7LH>',
  '@everyone @here @channel @all',
  '[click me](https://evil.example/phish) <https://evil.example|Zpanel login>',
  '<a href="https://evil.example">x</a><b>bold</b><script>alert(1)</script>',
  '**bold** _it_ ~~strike~~ `code` ```block``` > quote # heading || spoiler ||',
  '&amp; &lt; &#64; &',
  'nul \u0000 byte, lone \ud800 surrogate, bidi \u202e override',
  'line one\r\nline two\n\n\nline three',
];

/** Every character of `escaped` that `special` matches is preceded by an escaping backslash. */
function unescapedSpecials(escaped: string, special: RegExp): string[] {
  const found: string[] = [];
  for (let i = 0; i < escaped.length; i += 1) {
    if (escaped[i] === '\\') i += 1;
    else if (special.test(escaped[i])) found.push(escaped[i]);
  }
  return found;
}

describe.each(HOSTILE.map((text) => [JSON.stringify(text.slice(0, 40)), text]))('hostile text %s', (_name, hostile) => {
  const message = aNotificationWebhookBody({
    title: hostile,
    message: hostile,
    url: null,
    team: { id: 't1', name: hostile },
    project: { id: 'p1', name: hostile },
    environment: null,
  });
  const mention = /@[A-Za-z0-9]/;

  it('cannot add a link, a mention or markup to a Slack message', () => {
    const body = payload(slackRequest(channels.slack, message).body) as {
      text: string;
      blocks: { text?: { text: string }; elements?: { text: string }[] }[];
    };
    const texts = [body.text, body.blocks[0].text!.text, ...(body.blocks[1]?.elements ?? []).map((element) => element.text)];
    for (const text of texts) {
      expect(text).not.toMatch(/[<>]/);
      expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
      expect(text.length).toBeLessThanOrEqual(3_000);
    }
  });

  it('cannot add a link, a mention or markup to a Mattermost message', () => {
    const text = payload(mattermostRequest(channels.mattermost, message).body).text as string;
    const inner = text
      .replace(/^\*\*/, '')
      .replace(/\*\*(?=\n|$)/, '')
      .replace(/\n_([^\n]*)_$/, '\n$1');
    expect(unescapedSpecials(inner, /[\\`*_{}[\]()#+\-.!|<>~]/)).toEqual([]);
    expect(text).not.toMatch(mention);
  });

  it('cannot add a link or markup to a Discord embed, and pings nobody', () => {
    const body = payload(discordRequest(channels.discord, message).body) as {
      embeds: { title: string; description?: string }[];
      allowed_mentions: unknown;
    };
    expect(body.allowed_mentions).toEqual({ parse: [] });
    const [embed] = body.embeds;
    for (const text of [embed.title, embed.description ?? '']) expect(unescapedSpecials(text, /[\\`*_{}[\]()#+\-.!|<>~]/)).toEqual([]);
    expect(embed.title.length).toBeLessThanOrEqual(256);
    expect((embed.description ?? '').length).toBeLessThanOrEqual(4_096);
  });

  it('cannot add a tag or a mention to a Telegram message', () => {
    const text = payload(telegramRequest(channels.telegram, message, 'https://api.telegram.org').body).text as string;
    expect(text.match(/<[^>]*>/g)?.filter((tag) => !['<b>', '</b>', '<i>', '</i>'].includes(tag)) ?? []).toEqual([]);
    expect(text).not.toMatch(/&(?!amp;|lt;|gt;|quot;|#39;)/);
    expect(text).not.toMatch(mention);
    expect(text.length).toBeLessThanOrEqual(4_096);
  });

  it('stays plain JSON fields for ntfy, the title on one line', () => {
    const request = ntfyRequest(channels.ntfy, message);
    const body = payload(request.body) as { title: string; message: string; topic: string };
    expect(body.topic).toBe('zpanel-alerts');
    expect(body.title).not.toMatch(/[\r\n]/);
    expect(Buffer.byteLength(body.message)).toBeLessThanOrEqual(4_096);
    expect(Object.values(request.headers).join('\n')).not.toContain('zpanel-canary');
  });

  it('reaches the generic webhook unchanged, as JSON, with headers free of it', () => {
    const request = webhookRequest(channels.webhook, message, NOW);
    expect(JSON.parse(request.body)).toEqual(message);
    expect(Object.values(request.headers).join('\n')).not.toContain('zpanel-canary');
  });
});
