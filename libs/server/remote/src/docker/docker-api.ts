import type { Readable } from 'node:stream';

/** The HTTP status of a failed Docker Engine API call (dockerode puts it on the error), if any. */
export function dockerStatusCode(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** Runs `work`, treating a Docker answer with one of `codes` (304 already so, 404 gone, 409 busy) as done. */
export async function ignoringDockerStatus(codes: number[], work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!codes.includes(dockerStatusCode(error) ?? 0)) throw error;
  }
}

/** Docker's message of a failed API call, without dockerode's "(HTTP code 500) server error - " preamble. */
export function dockerMessage(error: unknown): string {
  const json = (error as { json?: { message?: unknown } } | null)?.json;
  if (json && typeof json.message === 'string') return json.message;
  return error instanceof Error ? error.message : String(error);
}

/** One event of Docker's JSON-lines progress stream (build, pull). */
export interface DockerProgressEvent {
  stream?: string;
  status?: string;
  progress?: string;
  id?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/**
 * Reads Docker's JSON-lines progress stream (build and pull) to its end, handing each event over; an
 * `error` event becomes the rejection, with Docker's words.
 */
export function followDockerProgress(stream: Readable, onEvent: (event: DockerProgressEvent) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    let failure: string | undefined;
    const handle = (raw: string) => {
      if (raw.trim() === '') return;
      let event: DockerProgressEvent;
      try {
        event = JSON.parse(raw) as DockerProgressEvent;
      } catch {
        return;
      }
      if (event.error || event.errorDetail?.message) failure = event.errorDetail?.message ?? event.error;
      else onEvent(event);
    };
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      lines.forEach(handle);
    });
    stream.on('error', reject);
    stream.on('end', () => {
      handle(buffer);
      if (failure) reject(new Error(failure.trim()));
      else resolve();
    });
  });
}
