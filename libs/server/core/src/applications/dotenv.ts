import { envKey } from './application-fields';

export interface DotenvEntry {
  key: string;
  value: string;
}

export interface DotenvProblem {
  line: number;
  message: string;
}

export type DotenvResult = { ok: true; entries: DotenvEntry[] } | { ok: false; problems: DotenvProblem[] };

const DOUBLE_QUOTE_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\', $: '$' };

/**
 * Parses `.env` text for bulk editing. `KEY=value` per line, optional `export `, `#` comments.
 * Values: unquoted (trimmed, up to an ` #` comment), 'single quoted' (literal), or "double quoted"
 * (\n \r \t \" \\ \$ escapes, may span lines). Values are data, never expanded: `$X` stays `$X`.
 * Every problem is reported with its line, and a key given twice is one of them.
 */
export function parseDotenv(text: string): DotenvResult {
  const entries: DotenvEntry[] = [];
  const problems: DotenvProblem[] = [];
  const seen = new Map<string, number>();
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const lineNo = i + 1;
    const raw = lines[i];
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const body = trimmed.startsWith('export ') ? trimmed.slice(7).trimStart() : trimmed;
    const eq = body.indexOf('=');
    if (eq <= 0) {
      problems.push({ line: lineNo, message: 'expected KEY=value' });
      continue;
    }
    const key = body.slice(0, eq).trim();
    const keyProblem = envKey(key);
    if (keyProblem) {
      problems.push({ line: lineNo, message: `${key.slice(0, 40)}: ${keyProblem}` });
      continue;
    }
    let rest = body.slice(eq + 1).trimStart();
    let value: string;
    if (rest.startsWith("'")) {
      const end = rest.indexOf("'", 1);
      if (end < 0) {
        problems.push({ line: lineNo, message: `${key}: unterminated single quote` });
        continue;
      }
      value = rest.slice(1, end);
      if (!/^\s*(#.*)?$/.test(rest.slice(end + 1))) problems.push({ line: lineNo, message: `${key}: unexpected text after the closing quote` });
    } else if (rest.startsWith('"')) {
      let out = '';
      let j = 1;
      let closed = false;
      const startLine = i;
      for (;;) {
        if (j >= rest.length) {
          if (i + 1 >= lines.length) break;
          i += 1;
          out += '\n';
          rest = lines[i];
          j = 0;
          continue;
        }
        const c = rest[j];
        if (c === '\\' && j + 1 < rest.length && DOUBLE_QUOTE_ESCAPES[rest[j + 1]] !== undefined) {
          out += DOUBLE_QUOTE_ESCAPES[rest[j + 1]];
          j += 2;
        } else if (c === '"') {
          closed = true;
          j += 1;
          break;
        } else {
          out += c;
          j += 1;
        }
      }
      if (!closed) {
        problems.push({ line: startLine + 1, message: `${key}: unterminated double quote` });
        continue;
      }
      if (!/^\s*(#.*)?$/.test(rest.slice(j))) problems.push({ line: i + 1, message: `${key}: unexpected text after the closing quote` });
      value = out;
    } else {
      const comment = rest.search(/\s#/);
      value = (comment >= 0 ? rest.slice(0, comment) : rest).trim();
    }
    if (seen.has(key)) {
      problems.push({ line: lineNo, message: `${key}: also set on line ${seen.get(key)}` });
      continue;
    }
    seen.set(key, lineNo);
    entries.push({ key, value });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, entries };
}

/** The `.env` text `parseDotenv` reads back to exactly these entries (values double-quoted when needed). */
export function formatDotenv(entries: readonly DotenvEntry[]): string {
  return entries
    .map(({ key, value }) => {
      if (/^[A-Za-z0-9_./:@%+,-]*$/.test(value)) return `${key}=${value}`;
      const escaped = value.replace(
        /[\\"$\n\r\t]/g,
        (c) => ({ '\\': '\\\\', '"': '\\"', $: '\\$', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] as string,
      );
      return `${key}="${escaped}"`;
    })
    .join('\n');
}
