/**
 * Terminal colour codes (SGR escape sequences) of a log line turned into styled runs of text.
 * The result is data for React text nodes: nothing here is ever parsed as HTML, so a line that
 * holds markup shows that markup as characters. Other escape sequences (cursor moves, erasing,
 * titles) have no meaning in a scrolled log and are dropped. Each line starts unstyled: build
 * tools reset at line ends, and a row of a virtualized list must render without its predecessors.
 */

export interface AnsiStyle {
  /** 0-15: a palette colour (a CSS class, so both themes can tune it); a string: an exact `rgb()`. */
  fg?: number | string;
  bg?: number | string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
}

export interface AnsiSpan {
  text: string;
  style: AnsiStyle;
}

const ESC = '\u001b';
// CSI (ESC [ params intermediates final), OSC (ESC ] ... BEL or ESC \), a charset choice (ESC ( B), or any other two-byte escape.
const SEQUENCE = new RegExp(`${ESC}(?:\\[([0-?]*)[ -/]*([@-~])|\\][^\\u0007${ESC}]*(?:\\u0007|${ESC}\\\\)?|[()*+][ -~]|[@-_]?)`, 'g');
// Control characters other than tab would show as boxes (or, for \r, hide the text before them).
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

const CUBE = [0, 95, 135, 175, 215, 255];

/** A 256-colour palette entry: 0-15 stay palette indexes, the rest become exact colours. */
function color256(n: number): number | string | undefined {
  if (!Number.isInteger(n) || n < 0 || n > 255) return undefined;
  if (n < 16) return n;
  if (n >= 232) {
    const level = 8 + (n - 232) * 10;
    return `rgb(${level}, ${level}, ${level})`;
  }
  const i = n - 16;
  return `rgb(${CUBE[Math.floor(i / 36)]}, ${CUBE[Math.floor(i / 6) % 6]}, ${CUBE[i % 6]})`;
}

const byte = (n: number | undefined) => (n !== undefined && Number.isInteger(n) && n >= 0 && n <= 255 ? n : undefined);

/** Applies one SGR parameter list to `style` (a new object: spans keep theirs). */
function applySgr(current: AnsiStyle, params: string): AnsiStyle {
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  let style = { ...current };
  for (let i = 0; i < codes.length; i += 1) {
    const code = codes[i];
    if (code === 0) style = {};
    else if (code === 1) style.bold = true;
    else if (code === 2) style.dim = true;
    else if (code === 3) style.italic = true;
    else if (code === 4) style.underline = true;
    else if (code === 22) style.bold = style.dim = undefined;
    else if (code === 23) style.italic = undefined;
    else if (code === 24) style.underline = undefined;
    else if (code >= 30 && code <= 37) style.fg = code - 30;
    else if (code >= 90 && code <= 97) style.fg = code - 90 + 8;
    else if (code === 39) style.fg = undefined;
    else if (code >= 40 && code <= 47) style.bg = code - 40;
    else if (code >= 100 && code <= 107) style.bg = code - 100 + 8;
    else if (code === 49) style.bg = undefined;
    else if (code === 38 || code === 48) {
      // 38;5;n (palette) or 38;2;r;g;b (true colour); the same with 48 for the background.
      let value: number | string | undefined;
      if (codes[i + 1] === 5) {
        value = color256(codes[i + 2]);
        i += 2;
      } else if (codes[i + 1] === 2) {
        const [r, g, b] = [byte(codes[i + 2]), byte(codes[i + 3]), byte(codes[i + 4])];
        value = r !== undefined && g !== undefined && b !== undefined ? `rgb(${r}, ${g}, ${b})` : undefined;
        i += 4;
      } else {
        break;
      }
      if (code === 38) style.fg = value;
      else style.bg = value;
    }
  }
  return style;
}

/** The line's text in runs of one style each; empty runs are left out. */
export function parseAnsi(line: string): AnsiSpan[] {
  const spans: AnsiSpan[] = [];
  let style: AnsiStyle = {};
  let at = 0;
  const push = (text: string) => {
    const clean = text.replace(CONTROL, '');
    if (clean === '') return;
    const last = spans[spans.length - 1];
    if (last && last.style === style) last.text += clean;
    else spans.push({ text: clean, style });
  };
  for (const match of line.matchAll(SEQUENCE)) {
    push(line.slice(at, match.index));
    at = match.index + match[0].length;
    if (match[2] === 'm') style = applySgr(style, match[1] ?? '');
  }
  push(line.slice(at));
  return spans;
}

/** The line without any escape sequence, as a download or a search would see it. */
export function stripAnsi(line: string): string {
  return parseAnsi(line)
    .map((span) => span.text)
    .join('');
}
