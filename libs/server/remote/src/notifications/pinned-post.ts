import { request as httpRequest } from 'node:http';
import type { IncomingMessage, RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import type { HttpAnswer } from './send-outcomes';

/** How much of an answer is read: enough for an error message, never a whole page. */
export const ANSWER_READ_LIMIT_BYTES = 4_096;

/**
 * A DNS lookup that answers only with the addresses already checked by the policy: the connection
 * goes to those, not to whatever the name resolves to a moment later (DNS rebinding).
 */
function pinnedLookup(addresses: string[]): LookupFunction {
  return (_hostname, options, callback) => {
    const entries = addresses.map((address) => ({ address, family: isIP(address) }));
    if (options.all) callback(null, entries);
    else callback(null, entries[0].address, entries[0].family);
  };
}

export interface PinnedPost {
  url: URL;
  headers: Record<string, string>;
  body: string;
  /** The addresses of `url`'s host, checked by the address policy; the connection goes to one of them. */
  addresses: string[];
  /** Aborts the attempt (timeout and caller together). */
  signal: AbortSignal;
  /** CA certificates (PEM) trusted besides the system's. */
  caCertificates?: readonly string[];
}

/**
 * One POST on a fresh connection (no agent, no keep-alive) to a checked address, keeping the Host
 * header and the TLS server name of the URL; no redirect followed (node's request follows none);
 * reads at most ANSWER_READ_LIMIT_BYTES of the answer. Rejects with the network error, or with
 * the signal's reason when aborted.
 */
export function pinnedPost(post: PinnedPost): Promise<HttpAnswer> {
  const { url } = post;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const secure = url.protocol === 'https:';
  const options: RequestOptions & { servername?: string; ca?: string[] } = {
    method: 'POST',
    hostname: host,
    port: url.port === '' ? (secure ? 443 : 80) : Number(url.port),
    path: `${url.pathname}${url.search}`,
    headers: { ...post.headers, 'content-length': String(Buffer.byteLength(post.body)) },
    agent: false,
    lookup: pinnedLookup(post.addresses),
    signal: post.signal,
  };
  if (secure) {
    if (isIP(host) === 0) options.servername = host;
    if (post.caCertificates && post.caCertificates.length > 0) options.ca = [...rootCertificates, ...post.caCertificates];
  }
  return new Promise<HttpAnswer>((resolve, reject) => {
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      reject(post.signal.aborted ? post.signal.reason : error);
    };
    const request = (secure ? httpsRequest : httpRequest)(options, (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let length = 0;
      const finish = () => {
        if (settled) return;
        settled = true;
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).subarray(0, ANSWER_READ_LIMIT_BYTES).toString('utf8'),
        });
        // The rest of a long answer is not wanted: close the connection instead of reading it.
        response.destroy();
      };
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        length += chunk.length;
        if (length >= ANSWER_READ_LIMIT_BYTES) finish();
      });
      response.on('end', finish);
      response.on('error', fail);
      response.on('aborted', () => fail(Object.assign(new Error('the answer was cut short'), { code: 'ECONNRESET' })));
    });
    request.on('error', fail);
    request.end(post.body);
  });
}
