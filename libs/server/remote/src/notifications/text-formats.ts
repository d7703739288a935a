/**
 * Escaping and limits for user text in each message format. Deployment names, commit messages,
 * alert rule names and team names come from users: none of them may add markup, a link or a
 * mention to a message, or push it past a provider's size limit.
 */

/** Invisible, and not part of a user name: `@` followed by it is not a mention (Mattermost, Telegram). */
const WORD_JOINER = '\u2060';

// C0 and C1 controls except tab and newline, bidi overrides and isolates, and NUL: never useful in a
// chat message, and some make a provider reject the whole request.
const UNWANTED = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Removes control characters (keeps newlines and tabs) and lone surrogates, which JSON encoders and providers refuse. */
export function cleanText(text: string): string {
  return text.replace(UNWANTED, '').replace(/\r\n?/g, '\n').replace(LONE_SURROGATE, '\ufffd');
}

/** One line: newlines and tabs become spaces (email subjects, titles). */
export function oneLine(text: string): string {
  return cleanText(text).replace(/\s+/g, ' ').trim();
}

/**
 * Escapes `text` character by character with `escape` and stops before the result would pass `max`
 * characters, ending with `…`; never cuts an escape sequence or a surrogate pair in two.
 */
export function escapeWithin(text: string, max: number, escape: (char: string) => string = (char) => char): string {
  // Short texts (nearly all) fit whole; only a long one is walked to find where to cut.
  if (text.length <= max) {
    const whole = Array.from(text, escape).join('');
    if (whole.length <= max) return whole;
  }
  let out = '';
  for (const char of text) {
    const piece = escape(char);
    if (out.length + piece.length > max - 1) {
      // Room for the ellipsis only if something is cut.
      return out + '…';
    }
    out += piece;
  }
  return out;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML text and attribute values (email, Telegram's HTML parse mode). */
export function htmlChar(char: string): string {
  return HTML_ESCAPES[char] ?? char;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, htmlChar);
}

/** Slack mrkdwn: only `&`, `<` and `>` are control characters (links and mentions are `<...>`). */
export function slackChar(char: string): string {
  return char === '&' ? '&amp;' : char === '<' ? '&lt;' : char === '>' ? '&gt;' : char;
}

// The characters CommonMark lets a backslash escape, which Discord and Mattermost both honour.
const MARKDOWN_SPECIAL = new Set('\\`*_{}[]()#+-.!|<>~=:'.split(''));

/** Discord's Markdown: every formatting character backslash-escaped (no masked link, no bold, no heading). */
export function discordChar(char: string): string {
  return MARKDOWN_SPECIAL.has(char) ? `\\${char}` : char;
}

/** Mattermost's Markdown, plus `@` defused: a webhook post notifies the users it mentions, and `@all` everyone. */
export function mattermostChar(char: string): string {
  if (char === '@') return `@${WORD_JOINER}`;
  return MARKDOWN_SPECIAL.has(char) ? `\\${char}` : char;
}

/** Telegram's HTML parse mode (`&`, `<`, `>`, `"`) with `@` defused (a mention of a member notifies them). */
export function telegramChar(char: string): string {
  if (char === '@') return `@${WORD_JOINER}`;
  return HTML_ESCAPES[char] ?? char;
}

/** An absolute http(s) URL to link to, normalised; null for a path or anything else (no link then). */
export function linkUrl(url: string | null): URL | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed : null;
  } catch {
    return null;
  }
}

/** A URL inside Slack's `<url|label>`: `|`, `<`, `>` and `&` cannot appear raw. */
export function slackUrl(url: URL): string {
  return url.href.replace(/\|/g, '%7C').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/&/g, '&amp;');
}

/** A URL inside Markdown's `[label](url)`: parentheses, spaces and angle brackets encoded. */
export function markdownUrl(url: URL): string {
  return url.href.replace(/\(/g, '%28').replace(/\)/g, '%29').replace(/ /g, '%20').replace(/</g, '%3C').replace(/>/g, '%3E');
}

/** Cut to at most `maxBytes` of UTF-8 (ntfy turns a longer message into an attachment), ending with `…` when cut. */
export function withinBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let out = '';
  let bytes = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > maxBytes - 3) break;
    out += char;
    bytes += size;
  }
  return `${out}…`;
}
