import { request } from 'node:http';
import { waitFor } from './wait-for';

export interface ProxyAnswer {
  status: number;
  body: string;
}

/**
 * GET through a stack's proxy on 127.0.0.1 with the given Host header, as a browser that resolved
 * the application's domain to the server would (fetch cannot set Host).
 */
export function getThroughProxy(port: number, host: string, path = '/', timeoutMs = 10_000): Promise<ProxyAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host, connection: 'close' }, agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET http://${host}${path} through the proxy timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Waits until `host` answers through the stack's proxy (on `port`) as wanted: with `status` (200 by
 * default) and, when given, exactly `body`. Resolves with that answer.
 */
export function proxyAnswer(
  port: number,
  host: string,
  wanted: { status?: number; body?: string; path?: string; timeoutMs?: number } = {},
): Promise<ProxyAnswer> {
  const { status = 200, body, path = '/', timeoutMs = 20_000 } = wanted;
  return waitFor(
    async () => {
      const answer = await getThroughProxy(port, host, path).catch(() => undefined);
      return answer && answer.status === status && (body === undefined || answer.body === body) ? answer : undefined;
    },
    timeoutMs,
    `${host}${path} to answer ${status}${body === undefined ? '' : ` ${body}`} through the proxy`,
  );
}

/** Waits until `host` no longer answers 200 through the stack's proxy (on `port`). */
export function proxyStopsAnswering(port: number, host: string, timeoutMs = 20_000): Promise<true> {
  return waitFor(
    async () => {
      const answer = await getThroughProxy(port, host).catch(() => undefined);
      return answer?.status === 200 ? undefined : true;
    },
    timeoutMs,
    `${host} to stop answering through the proxy`,
  );
}
