import type { DeploymentLogLine } from '@zpanel/contracts';
import { DeploymentLog, REDACTED, Redactor } from './deployment-log';

function memorySink() {
  const events: string[] = [];
  const stored: DeploymentLogLine[][] = [];
  return {
    events,
    stored,
    sink: {
      store: async (lines: DeploymentLogLine[]) => {
        events.push(`store ${lines[0].seq}-${lines[lines.length - 1].seq}`);
        stored.push(lines);
      },
      publish: async (lines: DeploymentLogLine[]) => void events.push(`publish ${lines[0].seq}-${lines[lines.length - 1].seq}`),
    },
  };
}

describe(Redactor.name, () => {
  it('hides every occurrence of each value, longest first, and each line of a multi-line value', () => {
    const redactor = new Redactor(['hunter22', 'hunter2233', '-----BEGIN KEY-----\nAAAAsecretline\n-----END KEY-----', 'abc']);
    expect(redactor.redact('pw=hunter2233 and hunter22, hunter22')).toBe(`pw=${REDACTED} and ${REDACTED}, ${REDACTED}`);
    expect(redactor.redact('key line AAAAsecretline here')).toBe(`key line ${REDACTED} here`);
  });

  it('leaves values of three characters or fewer alone (too common to hide everywhere)', () => {
    expect(new Redactor(['abc', 'on']).redact('abc on')).toBe('abc on');
  });
});

describe(DeploymentLog.name, () => {
  it('numbers lines from 1, batches them, and stores each batch before publishing it', async () => {
    const memory = memorySink();
    const log = new DeploymentLog(memory.sink, new Redactor([]), { batchMs: 20 });
    log.system('one');
    log.write('stdout', 'two\nthr');
    log.write('stdout', 'ee\n');
    log.write('stderr', 'four\r\n');
    await new Promise((resolve) => setTimeout(resolve, 60));
    log.system('five');
    await log.flush();
    expect(memory.events).toEqual(['store 1-4', 'publish 1-4', 'store 5-5', 'publish 5-5']);
    expect(memory.stored.flat().map((l) => [l.seq, l.stream, l.line])).toEqual([
      [1, 'system', 'one'],
      [2, 'stdout', 'two'],
      [3, 'stdout', 'three'],
      [4, 'stderr', 'four'],
      [5, 'system', 'five'],
    ]);
  });

  it('redacts a secret split across chunks, since it redacts whole lines', async () => {
    const memory = memorySink();
    const log = new DeploymentLog(memory.sink, new Redactor(['topsecret']), { batchMs: 1 });
    log.write('stdout', 'token=top');
    log.write('stdout', 'secret!\n');
    await log.flush();
    expect(memory.stored.flat()[0].line).toBe(`token=${REDACTED}!`);
  });

  it('cuts over-long lines, replaces NUL and keeps the last state of a carriage-return redraw', async () => {
    const memory = memorySink();
    const log = new DeploymentLog(memory.sink, new Redactor([]), { batchMs: 1, maxLineChars: 10 });
    log.write('stdout', `${'x'.repeat(25)}\n`);
    log.write('stdout', 'a\0b\n');
    log.write('stdout', '10%\r50%\r100%\n');
    await log.flush();
    expect(memory.stored.flat().map((l) => l.line)).toEqual(['xxxxxxxxxx [line cut]', 'a\uFFFDb', '100%']);
  });

  it('keeps numbering after a batch fails to store, and reports it', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const stored: number[] = [];
    const log = new DeploymentLog(
      {
        store: async (lines) => {
          if (fail) {
            fail = false;
            throw new Error('db down');
          }
          stored.push(...lines.map((l) => l.seq));
        },
        publish: async () => undefined,
      },
      new Redactor([]),
      { batchMs: 1, onError: (error) => errors.push(error) },
    );
    log.system('lost');
    await log.flush();
    log.system('kept');
    await log.flush();
    expect(errors).toHaveLength(1);
    expect(stored).toEqual([2]);
  });

  it('writes 50,000 lines in order, each once, in a few large batches', async () => {
    const memory = memorySink();
    const log = new DeploymentLog(memory.sink, new Redactor(['never-there']), { batchMs: 5 });
    for (let i = 1; i <= 50_000; i += 1) log.write('stdout', `line ${i}\n`);
    await log.flush();
    const all = memory.stored.flat();
    expect(all).toHaveLength(50_000);
    expect(all.every((l, i) => l.seq === i + 1 && l.line === `line ${i + 1}`)).toBe(true);
    expect(memory.stored.length).toBeLessThanOrEqual(30);
  });
});
