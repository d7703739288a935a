import { describe, expect, it } from 'vitest';
import { formatDotenv, lineOfProblem } from './dotenv';

describe(formatDotenv.name, () => {
  it('writes plain values as they are and quotes the rest with escapes the API reads back', () => {
    expect(
      formatDotenv([
        { key: 'PORT', value: '3000' },
        { key: 'URL', value: 'postgres://app@db:5432/shop' },
        { key: 'GREETING', value: 'hello world # not a comment' },
        { key: 'QUOTED', value: 'say "hi" to $USER\\n' },
        { key: 'PEM', value: '-----BEGIN-----\nabc\n-----END-----' },
        { key: 'EMPTY', value: '' },
      ]),
    ).toBe(
      [
        'PORT=3000',
        'URL=postgres://app@db:5432/shop',
        'GREETING="hello world # not a comment"',
        'QUOTED="say \\"hi\\" to \\$USER\\\\n"',
        'PEM="-----BEGIN-----\\nabc\\n-----END-----"',
        'EMPTY=',
      ].join('\n'),
    );
  });
});

describe(lineOfProblem.name, () => {
  it('splits the line number from the message', () => {
    expect(lineOfProblem('line 3: 1BAD: must be a variable name')).toEqual({ line: 3, message: '1BAD: must be a variable name' });
    expect(lineOfProblem('at most 500 variables (got 501)')).toBeUndefined();
  });
});
