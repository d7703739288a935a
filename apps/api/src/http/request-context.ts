import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

const INCOMING_ID = /^[A-Za-z0-9._-]{8,128}$/;

/**
 * Gives every request an id (a well-formed incoming `x-request-id` is kept so a proxy's id
 * carries through), echoes it in the response, and logs one structured line per request.
 * The same id is the `traceId` of any error body.
 */
export function requestLogging(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    // Health probes arrive every few seconds from orchestrators; they would drown the log.
    autoLogging: { ignore: (req) => req.url === '/api/health' || req.url === '/api/ready' },
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}

/** Query parameters that carry a credential (an invitation link's token, anything an old client still sends that way). */
const SECRET_QUERY = /([?&](?:token|access_token|refresh_token)=)[^&#]*/gi;

/** The URL as the access log keeps it: credentials in the query string are replaced, the rest is kept for debugging. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[REDACTED]');
}

export function requestIdOf(req: unknown): string {
  const id = (req as { id?: unknown }).id;
  return typeof id === 'string' ? id : randomUUID();
}
