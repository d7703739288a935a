import { formatDotenv, parseDotenv } from './dotenv';

describe('parseDotenv', () => {
  it('reads plain, quoted, exported and commented lines', () => {
    const text = [
      '# database',
      'DATABASE_URL=postgres://u:p@db:5432/app',
      'export NODE_ENV = production ',
      'SINGLE=\'it has $HOME and "quotes"\'',
      'DOUBLE="line1\\nline2 \\"q\\" \\$X \\\\ end"',
      'EMPTY=',
      'WITH_COMMENT=value # note',
      'HASH=a#b',
      '',
    ].join('\n');
    expect(parseDotenv(text)).toEqual({
      ok: true,
      entries: [
        { key: 'DATABASE_URL', value: 'postgres://u:p@db:5432/app' },
        { key: 'NODE_ENV', value: 'production' },
        { key: 'SINGLE', value: 'it has $HOME and "quotes"' },
        { key: 'DOUBLE', value: 'line1\nline2 "q" $X \\ end' },
        { key: 'EMPTY', value: '' },
        { key: 'WITH_COMMENT', value: 'value' },
        { key: 'HASH', value: 'a#b' },
      ],
    });
  });

  it('lets a double-quoted value span lines, CRLF or not', () => {
    expect(parseDotenv('KEY="-----BEGIN\r\nabc\r\n-----END"\r\nNEXT=1')).toEqual({
      ok: true,
      entries: [
        { key: 'KEY', value: '-----BEGIN\nabc\n-----END' },
        { key: 'NEXT', value: '1' },
      ],
    });
  });

  it('reports every problem with its line', () => {
    const result = parseDotenv(['GOOD=1', 'no equals sign', '1BAD=x', 'A-B=x', 'GOOD=2', "Q='open", 'D="open'].join('\n'));
    expect(result).toEqual({
      ok: false,
      problems: [
        { line: 2, message: 'expected KEY=value' },
        { line: 3, message: expect.stringContaining('1BAD') },
        { line: 4, message: expect.stringContaining('A-B') },
        { line: 5, message: 'GOOD: also set on line 1' },
        { line: 6, message: 'Q: unterminated single quote' },
        { line: 7, message: 'D: unterminated double quote' },
      ],
    });
  });
});

describe('formatDotenv', () => {
  it('round-trips any value byte for byte', () => {
    const entries = [
      { key: 'PLAIN', value: 'abc-123_./:@%+,' },
      { key: 'SPACES', value: '  padded  ' },
      { key: 'SHELL', value: '$(touch /tmp/pwned); `id` && echo \'$HOME\' "x"' },
      { key: 'NEWLINES', value: 'a\nb\r\nc\td' },
      { key: 'BACKSLASH', value: 'C:\\path\\n' },
      { key: 'HASH', value: 'a #b' },
      { key: 'UNICODE', value: 'café 😀' },
      { key: 'EMPTY', value: '' },
    ];
    expect(parseDotenv(formatDotenv(entries))).toEqual({ ok: true, entries });
  });
});
