import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

/** A request a receiver got, whole. */
export interface ReceivedRequest {
  method: string;
  /** Path and query. */
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** The TLS server name the client sent (SNI), on an HTTPS receiver. */
  servername: string | null;
  at: number;
}

/** What a receiver answers to one request; `delayMs` waits before answering (a slow receiver). */
export interface ReceiverAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  delayMs?: number;
}

/**
 * A local HTTP(S) receiver on 127.0.0.1 for notification tests: records every request and answers
 * with `respond` (200 and an empty body by default). `answerNext` queues answers ahead of it (a
 * receiver that fails twice, then succeeds).
 */
export class HttpReceiver {
  readonly received: ReceivedRequest[] = [];
  respond: (request: ReceivedRequest) => ReceiverAnswer = () => ({ status: 200 });
  private readonly queued: ReceiverAnswer[] = [];
  private readonly waiters: (() => void)[] = [];

  private constructor(
    private readonly server: Server,
    private readonly secure: boolean,
  ) {
    server.on('request', (request: IncomingMessage, response: ServerResponse) => void this.handle(request, response));
  }

  /** Starts a receiver; with `tls` ({ key, cert } PEM) it speaks HTTPS. */
  static async start(tls?: { key: string; cert: string }): Promise<HttpReceiver> {
    const receiver = new HttpReceiver(tls ? createHttpsServer({ key: tls.key, cert: tls.cert }) : createHttpServer(), Boolean(tls));
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** `http(s)://127.0.0.1:<port>`. */
  get origin(): string {
    return `${this.secure ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  /** `origin` + `path`. */
  url(path = '/'): string {
    return `${this.origin}${path}`;
  }

  /** The next requests get these answers, in order, before `respond` applies again. */
  answerNext(...answers: ReceiverAnswer[]): this {
    this.queued.push(...answers);
    return this;
  }

  /** Resolves once `count` requests in all have arrived. */
  async waitFor(count: number, timeoutMs = 5_000): Promise<ReceivedRequest[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`the receiver got ${this.received.length} of ${count} requests`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.received.slice(0, count);
  }

  clear(): void {
    this.received.length = 0;
    this.queued.length = 0;
    this.respond = () => ({ status: 200 });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const socket = request.socket as Partial<TLSSocket>;
    const received: ReceivedRequest = {
      method: request.method ?? '',
      url: request.url ?? '',
      headers: request.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      servername: typeof socket.servername === 'string' ? socket.servername : null,
      at: Date.now(),
    };
    this.received.push(received);
    for (const wake of this.waiters.splice(0)) wake();
    const answer = this.queued.shift() ?? this.respond(received);
    if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
    if (response.destroyed) return;
    response.writeHead(answer.status ?? 200, answer.headers ?? {});
    response.end(answer.body ?? '');
  }
}

/** A test certificate authority and a server certificate it signed for `names`, PEM. */
export interface TestCertificates {
  ca: string;
  key: string;
  cert: string;
}

/**
 * A throwaway CA and a server certificate for `names` (DNS names), made with the openssl CLI; for
 * TLS tests that verify certificates (the client is given `ca`, never told to skip verification).
 */
export function makeTestCertificates(names: string[]): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'zpanel-certs-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  try {
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      file('ca.key'),
      '-out',
      file('ca.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=Zpanel test CA',
    );
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', `/CN=${names[0]}`);
    writeFileSync(file('ext.cnf'), `subjectAltName=${names.map((name) => `DNS:${name}`).join(',')}\nextendedKeyUsage=serverAuth\n`);
    openssl(
      'x509',
      '-req',
      '-in',
      file('server.csr'),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-out',
      file('server.pem'),
      '-days',
      '2',
      '-extfile',
      file('ext.cnf'),
    );
    return {
      ca: readFileSync(file('ca.pem'), 'utf8'),
      key: readFileSync(file('server.key'), 'utf8'),
      cert: readFileSync(file('server.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
