import { createHmac } from 'node:crypto';
import type { NotificationChannelKind, NotificationSeverity, NotificationWebhookBody } from '@zpanel/contracts';
import { signingSecretKey } from '@zpanel/core';
import type { OpenedChannel } from './channel-sender';
import {
  cleanText,
  discordChar,
  escapeWithin,
  linkUrl,
  markdownUrl,
  mattermostChar,
  oneLine,
  slackChar,
  slackUrl,
  telegramChar,
  withinBytes,
} from './text-formats';

/** The user agent of every notification request. */
export const NOTIFICATIONS_USER_AGENT = 'Zpanel-Notifications/1';

/** One HTTP POST to a provider, built from a channel and a message; pure (the clock is passed in). */
export interface ChannelRequest {
  url: URL;
  headers: Record<string, string>;
  body: string;
  /** Who answers, in words, for errors ("Slack", "the webhook receiver"). */
  receiver: string;
  /** What the URL is, in words, for errors ("the Slack webhook URL"); the URL itself is never in an error. */
  urlLabel: string;
  /** Values that must never appear in an error or a log: the secrets, the URL, its path. */
  secrets: string[];
}

/** A channel that cannot be sent to as it is (a secret or setting missing or malformed); not retryable. */
export class ChannelSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChannelSettingsError';
  }
}

const SEVERITY_COLOURS: Record<NotificationSeverity, number> = {
  info: 0x3b82f6,
  success: 0x22c55e,
  warning: 0xf59e0b,
  error: 0xef4444,
};

/** ntfy priorities: 3 default, 4 high, 5 urgent (https://docs.ntfy.sh/publish/#message-priority). */
const NTFY_PRIORITIES: Record<NotificationSeverity, number> = { info: 3, success: 3, warning: 4, error: 5 };
/** ntfy tags that render as emoji (https://docs.ntfy.sh/emojis/). */
const NTFY_SEVERITY_TAGS: Record<NotificationSeverity, string> = {
  info: 'information_source',
  success: 'white_check_mark',
  warning: 'warning',
  error: 'rotating_light',
};

/** Team / project / environment, as one line of plain text. */
export function whereText(message: NotificationWebhookBody): string {
  return [message.team.name, message.project?.name, message.environment?.name]
    .filter((part): part is string => typeof part === 'string' && part !== '')
    .map(oneLine)
    .join(' / ');
}

function jsonHeaders(): Record<string, string> {
  return { 'content-type': 'application/json', 'user-agent': NOTIFICATIONS_USER_AGENT };
}

/** A URL secret (or setting) that must be an http(s) URL. */
function httpUrl(value: unknown, what: string): URL {
  if (typeof value !== 'string' || value === '') throw new ChannelSettingsError(`${what} is not set`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ChannelSettingsError(`${what} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ChannelSettingsError(`${what} is not an http(s) URL`);
  if (url.username !== '' || url.password !== '') throw new ChannelSettingsError(`${what} carries a user name or password`);
  return url;
}

/** The URL, its path and query, decoded and not: what a receiver might echo back in an error page. */
function urlSecrets(url: URL): string[] {
  const path = url.pathname + url.search;
  const values = [url.href, url.href.replace(/\/$/, ''), path];
  try {
    values.push(decodeURIComponent(path));
  } catch {
    // not decodable: nothing more to hide
  }
  return values.filter((value) => value.length > 1);
}

/** Slack incoming webhook (https://api.slack.com/messaging/webhooks): mrkdwn `text` for notifications, and blocks. */
export function slackRequest(channel: OpenedChannel, message: NotificationWebhookBody): ChannelRequest {
  const url = httpUrl(channel.secrets.webhookUrl, 'the Slack webhook URL');
  const title = escapeWithin(oneLine(message.title), 250, slackChar);
  const link = linkUrl(message.url);
  const heading = link ? `*<${slackUrl(link)}|${title}>*` : `*${title}*`;
  const body = escapeWithin(cleanText(message.message), 2_500, slackChar);
  const where = escapeWithin(whereText(message), 300, slackChar);
  const payload = {
    text: `${title}: ${escapeWithin(oneLine(message.message), 2_500, slackChar)}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: body === '' ? heading : `${heading}\n${body}` } },
      ...(where === '' ? [] : [{ type: 'context', elements: [{ type: 'mrkdwn', text: where }] }]),
    ],
  };
  const text = JSON.stringify(payload);
  return { url, headers: jsonHeaders(), body: text, receiver: 'Slack', urlLabel: 'the Slack webhook URL', secrets: urlSecrets(url) };
}

/** Mattermost incoming webhook (https://developers.mattermost.com/integrate/webhooks/incoming/): Markdown `text`. */
export function mattermostRequest(channel: OpenedChannel, message: NotificationWebhookBody): ChannelRequest {
  const url = httpUrl(channel.secrets.webhookUrl, 'the Mattermost webhook URL');
  const title = escapeWithin(oneLine(message.title), 250, mattermostChar);
  const link = linkUrl(message.url);
  const heading = link ? `**[${title}](${markdownUrl(link)})**` : `**${title}**`;
  const lines = [heading, escapeWithin(cleanText(message.message), 4_000, mattermostChar)];
  const where = escapeWithin(whereText(message), 300, mattermostChar);
  if (where !== '') lines.push(`_${where}_`);
  const payload: Record<string, string> = { text: lines.filter((line) => line !== '').join('\n') };
  const username = channel.settings['username'];
  if (typeof username === 'string' && /^[\w .-]{1,64}$/.test(username)) payload['username'] = username;
  return {
    url,
    headers: jsonHeaders(),
    body: JSON.stringify(payload),
    receiver: 'Mattermost',
    urlLabel: 'the Mattermost webhook URL',
    secrets: urlSecrets(url),
  };
}

/**
 * Discord webhook (https://discord.com/developers/docs/resources/webhook#execute-webhook): one embed,
 * and `allowed_mentions.parse` empty so no text ever pings a user, a role or @everyone.
 */
export function discordRequest(channel: OpenedChannel, message: NotificationWebhookBody): ChannelRequest {
  const url = httpUrl(channel.secrets.webhookUrl, 'the Discord webhook URL');
  // Discord answers 400 for a whole message past its limits: title 256, description 4096, footer 2048, 6000 in all.
  const where = escapeWithin(whereText(message), 500);
  const embed: Record<string, unknown> = {
    title: escapeWithin(oneLine(message.title), 256, discordChar),
    description: escapeWithin(cleanText(message.message), 4_096, discordChar),
    color: SEVERITY_COLOURS[message.severity] ?? SEVERITY_COLOURS.info,
    footer: { text: where === '' ? 'Zpanel' : `Zpanel · ${where}` },
  };
  const occurred = new Date(message.occurredAt);
  if (!Number.isNaN(occurred.getTime())) embed['timestamp'] = occurred.toISOString();
  const link = linkUrl(message.url);
  if (link) embed['url'] = link.href;
  if (embed['description'] === '') delete embed['description'];
  const payload = { embeds: [embed], allowed_mentions: { parse: [] } };
  return {
    url,
    headers: jsonHeaders(),
    body: JSON.stringify(payload),
    receiver: 'Discord',
    urlLabel: 'the Discord webhook URL',
    secrets: urlSecrets(url),
  };
}

/** A bot token as BotFather gives it (digits, a colon, letters): also what keeps the URL path ours. */
const TELEGRAM_TOKEN = /^\d{1,20}:[A-Za-z0-9_-]{20,100}$/;

/** Telegram Bot API sendMessage (https://core.telegram.org/bots/api#sendmessage), HTML parse mode. */
export function telegramRequest(channel: OpenedChannel, message: NotificationWebhookBody, telegramApiUrl: string): ChannelRequest {
  const token = channel.secrets.botToken;
  if (typeof token !== 'string' || token === '') throw new ChannelSettingsError('the Telegram bot token is not set');
  if (!TELEGRAM_TOKEN.test(token)) throw new ChannelSettingsError('the Telegram bot token is not in the form 123456:ABC-DEF…');
  const chatId = channel.settings['chatId'];
  if (typeof chatId !== 'string' || chatId === '') throw new ChannelSettingsError('the Telegram chat id is not set');
  const url = new URL(`${telegramApiUrl.replace(/\/+$/, '')}/bot${token}/sendMessage`);
  const parts = [`<b>${escapeWithin(oneLine(message.title), 256, telegramChar)}</b>`];
  const body = escapeWithin(cleanText(message.message), 3_000, telegramChar);
  if (body !== '') parts.push(body);
  const where = escapeWithin(whereText(message), 300, telegramChar);
  if (where !== '') parts.push(`<i>${where}</i>`);
  const link = linkUrl(message.url);
  if (link) parts.push(`<a href="${link.href.replace(/&/g, '&amp;').replace(/"/g, '%22')}">Open in Zpanel</a>`);
  // 4096 characters at most; the pieces above add up to fewer.
  const payload = { chat_id: chatId, text: parts.join('\n'), parse_mode: 'HTML', disable_web_page_preview: true };
  return {
    url,
    headers: jsonHeaders(),
    body: JSON.stringify(payload),
    receiver: 'Telegram',
    urlLabel: 'the Telegram API URL',
    secrets: [token, ...urlSecrets(url)],
  };
}

/** ntfy JSON publishing (https://docs.ntfy.sh/publish/#publish-as-json): POST to the server root, the topic in the body. */
export function ntfyRequest(channel: OpenedChannel, message: NotificationWebhookBody): ChannelRequest {
  const url = httpUrl(channel.settings['serverUrl'], 'the ntfy server URL');
  const topic = channel.settings['topic'];
  if (typeof topic !== 'string' || !/^[-_A-Za-z0-9]{1,64}$/.test(topic))
    throw new ChannelSettingsError('the ntfy topic is not set or not a topic name');
  const where = whereText(message);
  const text = escapeWithin(cleanText(message.message), 3_500);
  const payload: Record<string, unknown> = {
    topic,
    title: escapeWithin(oneLine(message.title), 250),
    // ntfy takes 4096 bytes of message; a longer one would arrive as an attachment.
    message:
      withinBytes([text, escapeWithin(where, 300)].filter((part) => part !== '').join('\n\n'), 3_500) || escapeWithin(oneLine(message.title), 250),
    priority: NTFY_PRIORITIES[message.severity] ?? 3,
    tags: [NTFY_SEVERITY_TAGS[message.severity] ?? 'information_source', message.type],
  };
  const link = linkUrl(message.url);
  if (link) payload['click'] = link.href;
  const headers = jsonHeaders();
  const token = channel.secrets.accessToken;
  if (typeof token === 'string' && token !== '') {
    if (!/^[\x21-\x7e]{1,512}$/.test(token)) throw new ChannelSettingsError('the ntfy access token has characters a header cannot carry');
    headers['authorization'] = `Bearer ${token}`;
  }
  return {
    url,
    headers,
    body: JSON.stringify(payload),
    receiver: 'the ntfy server',
    urlLabel: 'the ntfy server URL',
    secrets: [...(typeof token === 'string' && token !== '' ? [token] : []), ...urlSecrets(url)],
  };
}

/**
 * The Standard Webhooks signature (https://www.standardwebhooks.com/): `v1,` then the base64
 * HMAC-SHA256, keyed with the secret's bytes after `whsec_`, of `<id>.<timestamp>.<body>`.
 */
export function webhookSignature(signingSecret: string, id: string, timestampSeconds: number, body: string): string {
  const key = signingSecretKey(signingSecret);
  if (!key) throw new ChannelSettingsError('the webhook signing secret is not a whsec_ secret');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}

/** The generic webhook: the NotificationWebhookBody as JSON, signed (docs/notifications.md, "Generic webhook"). */
export function webhookRequest(channel: OpenedChannel, message: NotificationWebhookBody, now: Date): ChannelRequest {
  const url = httpUrl(channel.settings['url'], 'the webhook URL');
  const secret = channel.secrets.signingSecret;
  if (typeof secret !== 'string' || secret === '') throw new ChannelSettingsError('the webhook signing secret is not set');
  const body = JSON.stringify(message);
  const timestamp = Math.floor(now.getTime() / 1_000);
  return {
    url,
    headers: {
      'content-type': 'application/json',
      'user-agent': NOTIFICATIONS_USER_AGENT,
      'webhook-id': message.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': webhookSignature(secret, message.id, timestamp, body),
    },
    body,
    receiver: 'the webhook receiver',
    urlLabel: 'the webhook URL',
    secrets: [secret, ...urlSecrets(url)],
  };
}

/** The request for a channel of an HTTP kind; `email` goes through the Mailer instead. */
export function channelRequest(
  channel: OpenedChannel,
  message: NotificationWebhookBody,
  options: { telegramApiUrl: string; now: Date },
): ChannelRequest {
  const kind: NotificationChannelKind = channel.kind;
  switch (kind) {
    case 'slack':
      return slackRequest(channel, message);
    case 'mattermost':
      return mattermostRequest(channel, message);
    case 'discord':
      return discordRequest(channel, message);
    case 'telegram':
      return telegramRequest(channel, message, options.telegramApiUrl);
    case 'ntfy':
      return ntfyRequest(channel, message);
    case 'webhook':
      return webhookRequest(channel, message, options.now);
    case 'email':
      throw new ChannelSettingsError('an email channel is sent by the mailer');
    default:
      throw new ChannelSettingsError('the channel kind is not one Zpanel sends to');
  }
}
