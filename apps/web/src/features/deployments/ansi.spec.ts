import { describe, expect, it } from 'vitest';
import { parseAnsi, stripAnsi } from './ansi';

const E = '\u001b';

describe(parseAnsi.name, () => {
  it('splits a line into runs with the colours and weights the codes set', () => {
    expect(parseAnsi(`plain ${E}[1;31mbold red${E}[22m red ${E}[0mplain`)).toEqual([
      { text: 'plain ', style: {} },
      { text: 'bold red', style: { bold: true, fg: 1 } },
      { text: ' red ', style: { fg: 1 } },
      { text: 'plain', style: {} },
    ]);
  });

  it('reads bright, background, 256-colour and true-colour codes', () => {
    expect(parseAnsi(`${E}[92;44mA${E}[38;5;196mB${E}[48;2;1;2;3mC${E}[39;49mD${E}[38;5;244mE`)).toEqual([
      { text: 'A', style: { fg: 10, bg: 4 } },
      { text: 'B', style: { fg: 'rgb(255, 0, 0)', bg: 4 } },
      { text: 'C', style: { fg: 'rgb(255, 0, 0)', bg: 'rgb(1, 2, 3)' } },
      { text: 'D', style: { fg: undefined, bg: undefined } },
      { text: 'E', style: { fg: 'rgb(128, 128, 128)', bg: undefined } },
    ]);
  });

  it('treats an empty parameter list as a reset', () => {
    expect(parseAnsi(`${E}[31mred${E}[mplain`)).toEqual([
      { text: 'red', style: { fg: 1 } },
      { text: 'plain', style: {} },
    ]);
  });

  it('drops cursor moves, erasing, window titles and stray control characters', () => {
    expect(stripAnsi(`${E}[2K${E}[1Gstep 1/4${E}]0;title\u0007 done\r${E}(B\u0000`)).toBe('step 1/4 done');
  });

  it('keeps markup as characters: the result is text, never HTML', () => {
    const line = `${E}[33m<img src=x onerror="alert(1)">${E}[0m &amp;`;
    expect(parseAnsi(line)).toEqual([
      { text: '<img src=x onerror="alert(1)">', style: { fg: 3 } },
      { text: ' &amp;', style: {} },
    ]);
  });

  it('ignores malformed colour codes instead of failing', () => {
    expect(stripAnsi(`${E}[38;5;999mA${E}[38;2;300mB${E}[38mC${E}[`)).toBe('ABC');
  });
});
