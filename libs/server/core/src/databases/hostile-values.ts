import { injectionPayloads } from '../shell/injection-payloads';

/**
 * The injection list plus what only a spec can carry (docs/security.md): NUL bytes, text that was not
 * UTF-8 (latin-1 bytes, U+FFFD, a lone surrogate), a leading dash and a 10 MB string. Test-only.
 */
export function hostileDatabaseValues(canary: string): string[] {
  return [
    ...injectionPayloads(canary),
    'app\0; touch x',
    '\u00ff\u00fe',
    'a\uFFFDb',
    'a\ud800b',
    '-u root',
    '--requirepass',
    'x'.repeat(10 * 1024 * 1024),
  ];
}
