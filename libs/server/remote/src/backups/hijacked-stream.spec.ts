import { Duplex, PassThrough, Readable } from 'node:stream';
import { STDERR_TAIL_BYTES, wireHijacked } from './hijacked-stream';

/** One frame of Docker's multiplexed stream: 1 stdout, 2 stderr. */
function frame(stream: 1 | 2, payload: string | Buffer): Buffer {
  const body = Buffer.from(payload);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

/** A hijacked socket: what the test writes to `fromDocker` is read from it; what is written to it lands in `toDocker`. */
function fakeSocket() {
  const fromDocker = new PassThrough();
  const toDocker = new PassThrough();
  const socket = Duplex.from({ readable: fromDocker, writable: toDocker });
  return { socket, fromDocker, toDocker };
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe(wireHijacked.name, () => {
  it('passes stdout on as it comes, frames split anywhere, and ends with the tail of stderr', async () => {
    const { socket, fromDocker } = fakeSocket();
    const tool = wireHijacked(socket, undefined, new AbortController().signal);
    const bytes = Buffer.concat([
      frame(1, 'PGDMP'),
      frame(2, 'x'.repeat(10_000)),
      frame(2, 'pg_dump: error: it broke\n'),
      frame(1, Buffer.from([0, 1, 2])),
    ]);
    for (let i = 0; i < bytes.length; i += 7) fromDocker.write(bytes.subarray(i, i + 7));
    fromDocker.end();
    expect(await collect(tool.stdout)).toEqual(Buffer.concat([Buffer.from('PGDMP'), Buffer.from([0, 1, 2])]));
    const tail = await tool.ended;
    expect(tail.endsWith('pg_dump: error: it broke')).toBe(true);
    expect(tail.length).toBeLessThanOrEqual(STDERR_TAIL_BYTES);
  });

  it('holds the socket back while stdout is not read (backpressure), and goes on once it is', async () => {
    const { socket, fromDocker } = fakeSocket();
    const tool = wireHijacked(socket, undefined, new AbortController().signal);
    const chunk = frame(1, Buffer.alloc(64 * 1024, 1));
    let written = 0;
    while (fromDocker.write(chunk)) written += 1;
    // The writer was told to wait: the demux and the socket buffers are full, nothing grows beyond them.
    expect(written).toBeLessThan(10);
    fromDocker.end();
    expect((await collect(tool.stdout)).length).toBe((written + 1) * 64 * 1024);
    await tool.ended;
  });

  it("pipes the input to the tool's stdin and ends it with the input", async () => {
    const { socket, fromDocker, toDocker } = fakeSocket();
    const tool = wireHijacked(socket, Readable.from([Buffer.from('dump '), Buffer.from('bytes')]), new AbortController().signal);
    expect((await collect(toDocker)).toString()).toBe('dump bytes');
    fromDocker.end();
    tool.stdout.resume();
    await tool.ended;
  });

  it('cuts the connection when the input fails, never ending stdin cleanly', async () => {
    const { socket, toDocker } = fakeSocket();
    const input = new PassThrough();
    const tool = wireHijacked(socket, input, new AbortController().signal);
    let endedCleanly = false;
    toDocker.on('end', () => (endedCleanly = true));
    toDocker.resume();
    input.write('half a dump');
    input.destroy(new Error('decryption failed'));
    await expect(tool.ended).rejects.toThrow('decryption failed');
    expect(socket.destroyed).toBe(true);
    expect(endedCleanly).toBe(false);
  });

  it('cuts the connection when the input failed before it was handed over (its error event already gone)', async () => {
    const { socket, toDocker } = fakeSocket();
    const input = new PassThrough();
    input.on('error', () => undefined);
    input.destroy(new Error('encrypted with another key'));
    await new Promise((resolve) => setImmediate(resolve));
    let endedCleanly = false;
    toDocker.on('end', () => (endedCleanly = true));
    toDocker.resume();
    const tool = wireHijacked(socket, input, new AbortController().signal);
    await expect(tool.ended).rejects.toThrow('encrypted with another key');
    expect(socket.destroyed).toBe(true);
    expect(endedCleanly).toBe(false);
  });

  it("rejects with the signal's reason when aborted, and destroys stdout and the socket", async () => {
    const { socket, fromDocker } = fakeSocket();
    const controller = new AbortController();
    const tool = wireHijacked(socket, undefined, controller.signal);
    fromDocker.write(frame(1, 'some'));
    const stdoutError = new Promise((resolve) => tool.stdout.once('error', resolve));
    controller.abort(new Error('cancelled'));
    await expect(tool.ended).rejects.toThrow('cancelled');
    expect(await stdoutError).toMatchObject({ message: 'cancelled' });
    expect(socket.destroyed).toBe(true);
  });

  it('rejects when the connection closes before the end of the output', async () => {
    const { socket, fromDocker } = fakeSocket();
    const tool = wireHijacked(socket, undefined, new AbortController().signal);
    tool.stdout.on('error', () => undefined);
    fromDocker.write(frame(1, 'some'));
    // Never a clean end: the output was cut (a real socket closes without an error, this fake with an AbortError).
    socket.destroy();
    await expect(tool.ended).rejects.toThrow(/closed before the tool finished|aborted/);
  });
});
