import { type Duplex, type Readable, Transform, type TransformCallback, finished as whenStreamEnds } from 'node:stream';
import { LogFrameDemuxer } from '../docker/log-demux';

/** Bytes of a tool's stderr kept for its error: the end, where the tools say what went wrong. */
export const STDERR_TAIL_BYTES = 4 * 1024;

/**
 * Docker's multiplexed stream of a non-TTY exec or attach, as the tool's stdout (passed on as it comes,
 * so a slow reader holds back the socket, and through it the tool) and the tail of its stderr.
 */
class StdoutDemux extends Transform {
  private stderr = Buffer.alloc(0);
  private readonly frames = new LogFrameDemuxer((name, payload) => {
    if (name === 'stdout') this.push(payload);
    else this.stderr = Buffer.concat([this.stderr, payload]).subarray(-STDERR_TAIL_BYTES);
  });

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.frames.push(chunk);
    callback();
  }

  get stderrTail(): string {
    return this.stderr
      .toString('utf8')
      .replace(/^\uFFFD+/, '')
      .trim();
  }
}

/** A hijacked connection to a running tool: its stdout, and its end (the stderr tail) or the failure that cut it. */
export interface HijackedTool {
  stdout: Readable;
  /** Resolves when the tool's output ended; rejects when the connection failed or `signal` aborted (with its reason). */
  ended: Promise<string>;
  /** Cuts the connection (the tool sees its stdin and stdout close). */
  cut(error: Error): void;
}

function reasonOf(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason ?? 'aborted'));
}

/**
 * Wires a hijacked Docker stream: `input` (if any) is piped to the tool's stdin and closed at its end;
 * the tool's stdout comes out of `stdout`. An input that fails cuts the connection (never a clean end
 * of stdin that would let the tool take a cut stream for a whole one).
 */
export function wireHijacked(socket: Duplex, input: Readable | undefined, signal: AbortSignal): HijackedTool {
  const demux = new StdoutDemux();
  let settle: { resolve: (tail: string) => void; reject: (error: Error) => void } = { resolve: () => {}, reject: () => {} };
  const ended = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  ended.catch(() => undefined);
  let finished = false;
  const finish = (error?: Error) => {
    if (finished) return;
    finished = true;
    signal.removeEventListener('abort', onAbort);
    if (error) {
      input?.unpipe(socket);
      input?.destroy();
      socket.destroy();
      demux.destroy(error);
      settle.reject(error);
    } else {
      settle.resolve(demux.stderrTail);
    }
  };
  const onAbort = () => finish(reasonOf(signal));
  signal.addEventListener('abort', onAbort, { once: true });

  socket.pipe(demux);
  // The demux ends once the socket ended and every frame was handed over.
  demux.once('end', () => finish());
  demux.once('error', (error: Error) => finish(error));
  socket.once('error', (error: Error) => finish(error));
  socket.once('close', () => {
    // Closed before its end was read: the connection broke (the end itself comes through the demux).
    if (!socket.readableEnded) finish(new Error('the connection to the Docker Engine closed before the tool finished'));
  });
  if (input) {
    // whenStreamEnds (stream.finished) also reports an input that failed before it got here (a decoder refusing the header at
    // once, while the exec was being created): its 'error' event is gone, and stdin would wait forever.
    whenStreamEnds(input, { writable: false }, (error) => {
      if (error) finish(error);
    });
    input.pipe(socket);
  }
  if (signal.aborted) onAbort();
  return { stdout: demux, ended, cut: (error) => finish(error) };
}
