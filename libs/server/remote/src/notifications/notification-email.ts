import type { NotificationWebhookBody } from '@zpanel/contracts';
import type { MailerMessage } from './mailer';
import { whereText } from './channel-requests';
import { cleanText, escapeHtml, escapeWithin, linkUrl, oneLine } from './text-formats';

const SEVERITY_WORDS = { info: 'Info', success: 'Success', warning: 'Warning', error: 'Error' } as const;

/**
 * A notification as an email (channel kind `email`): subject = the title on one line, a plain-text
 * body and a simple HTML one, every user text escaped.
 */
export function notificationEmail(message: NotificationWebhookBody, to: string[]): MailerMessage {
  const title = escapeWithin(oneLine(message.title), 200);
  const body = escapeWithin(cleanText(message.message), 20_000);
  const where = whereText(message);
  const link = linkUrl(message.url);
  const severity = SEVERITY_WORDS[message.severity] ?? 'Info';
  const text = [
    title,
    '',
    body,
    '',
    ...(where === '' ? [] : [`Where: ${where}`]),
    `When: ${new Date(message.occurredAt).toUTCString()}`,
    ...(link ? [`Open: ${link.href}`] : []),
    '',
    '-- ',
    'Zpanel notifications',
  ].join('\n');
  const paragraphs = body
    .split(/\n{2,}/)
    .filter((paragraph) => paragraph !== '')
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>')}</p>`);
  const html = [
    '<!doctype html>',
    '<html><body style="font-family: sans-serif; line-height: 1.4">',
    `<h2 style="margin: 0 0 12px">${escapeHtml(title)}</h2>`,
    `<p style="color: #555; margin: 0 0 12px">${escapeHtml(severity)}${where === '' ? '' : ` · ${escapeHtml(where)}`}</p>`,
    ...paragraphs,
    ...(link ? [`<p><a href="${escapeHtml(link.href)}">Open in Zpanel</a></p>`] : []),
    '<p style="color: #888; font-size: 12px">Zpanel notifications</p>',
    '</body></html>',
  ].join('\n');
  return { to, subject: title, text, html };
}
