import type { EnvVarDto } from '@zpanel/contracts';

// Safe to write unquoted: the API's parser trims unquoted values and ends them at " #".
const PLAIN = /^[A-Za-z0-9_./:@%+,-]*$/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', $: '\\$', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Variables as `.env` text for the bulk editor, written so the API's parser reads back exactly
 * these values: plain ones as they are, any other double-quoted with \\ " $ and line breaks escaped.
 */
export function formatDotenv(vars: readonly Pick<EnvVarDto, 'key' | 'value'>[]): string {
  return vars
    .map(({ key, value }) => {
      const text = value ?? '';
      return PLAIN.test(text) ? `${key}=${text}` : `${key}="${text.replace(/[\\"$\n\r\t]/g, (c) => ESCAPES[c])}"`;
    })
    .join('\n');
}

/** A `line N: …` problem of a bulk edit, split so the editor can point at the line. */
export function lineOfProblem(message: string): { line: number; message: string } | undefined {
  const match = /^line (\d+): (.*)$/s.exec(message);
  return match ? { line: Number(match[1]), message: match[2] } : undefined;
}
