import { ErrorCode, PROBLEM_CONTENT_TYPE, type ProblemDetails, QueueName, type SystemStatus } from '@zpanel/contracts';
import { useOwnedStack, waitFor } from '@zpanel/testing';

/** The built API and worker as `npm start` runs them, against the run's own database and Redis prefix. */
describe('API pipeline (built api + worker)', () => {
  const suite = useOwnedStack({ worker: true });

  const get = (path: string, init: RequestInit = {}) =>
    fetch(`${suite.stack.baseUrl}${path}`, { ...init, headers: { authorization: `Bearer ${suite.owner.accessToken}`, ...init.headers } });
  const problemOf = async (res: Response): Promise<ProblemDetails> => {
    expect(res.headers.get('content-type')).toContain(PROBLEM_CONTENT_TYPE);
    return (await res.json()) as ProblemDetails;
  };

  describe('health', () => {
    it('answers liveness at /api/health', async () => {
      const res = await get('/api/health');
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok' });
    });

    it('answers readiness at /api/ready with Postgres and Redis up', async () => {
      const res = await get('/api/ready');
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        status: 'ready',
        failing: [],
        checks: { postgres: { status: 'up' }, redis: { status: 'up' } },
      });
    });
  });

  describe('validation', () => {
    it('refuses an unknown field with a 400 problem naming it', async () => {
      const res = await get('/api/v1/system/status?verbose=1');
      expect(res.status).toBe(400);
      const problem = await problemOf(res);
      expect(problem).toMatchObject({ status: 400, code: ErrorCode.ValidationFailed, title: 'Validation failed' });
      expect(problem.errors).toEqual([{ field: 'verbose', message: 'property verbose should not exist' }]);
    });

    it('refuses a value of the wrong type with a 400 problem naming the field', async () => {
      const res = await get('/api/v1/system/status?probe=perhaps');
      expect(res.status).toBe(400);
      expect((await problemOf(res)).errors).toEqual([{ field: 'probe', message: 'probe must be a boolean value' }]);
    });

    it('answers malformed JSON with a 400 problem and no parser internals', async () => {
      const res = await get('/api/v1/system/status', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
      expect(res.status).toBe(400);
      const problem = await problemOf(res);
      expect(problem.code).toBe(ErrorCode.MalformedBody);
      expect(JSON.stringify(problem)).not.toMatch(/SyntaxError|at JSON|node_modules/);
    });

    it('refuses a body over the size limit with 413', async () => {
      const res = await get('/api/v1/system/status', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ blob: 'x'.repeat(2 * 1024 * 1024) }),
      });
      expect(res.status).toBe(413);
      expect((await problemOf(res)).code).toBe(ErrorCode.PayloadTooLarge);
    });
  });

  describe('errors', () => {
    it('answers an unknown API route with a 404 problem whose traceId is the request id', async () => {
      const res = await get('/api/v1/nothing-here', { headers: { 'x-request-id': 'trace-me-12345' } });
      expect(res.status).toBe(404);
      expect(res.headers.get('x-request-id')).toBe('trace-me-12345');
      const problem = await problemOf(res);
      expect(problem).toMatchObject({ code: ErrorCode.NotFound, traceId: 'trace-me-12345' });
      expect(problem).not.toHaveProperty('stack');
    });

    it('does not reflect a malformed incoming request id', async () => {
      const res = await get('/api/health', { headers: { 'x-request-id': 'bad id<script>' } });
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('headers', () => {
    it('sends security headers and no framework banner', async () => {
      const res = await get('/api/health');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('x-powered-by')).toBeNull();
    });

    it('allows inline styles only on the Swagger UI pages', async () => {
      expect((await get('/')).headers.get('content-security-policy')).toContain("style-src 'self';");
      expect((await get('/api/docs')).headers.get('content-security-policy')).toContain("style-src 'self' 'unsafe-inline'");
    });

    it('has CORS off by default', async () => {
      const res = await get('/api/health', { headers: { origin: 'https://evil.example' } });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe('docs', () => {
    it('serves Swagger UI at /api/docs and the OpenAPI document at /api/docs-json', async () => {
      const ui = await get('/api/docs');
      expect(ui.status).toBe(200);
      expect(await ui.text()).toContain('swagger-ui');
      const doc = (await (await get('/api/docs-json')).json()) as { paths: Record<string, unknown>; info: { title: string } };
      expect(doc.info.title).toBe('Zpanel API');
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/health', '/api/ready', '/api/v1/system/status']));
    });
  });

  describe('SPA', () => {
    it('serves the SPA at / and for client-side routes, never for API paths', async () => {
      const root = await get('/', { headers: { accept: 'text/html' } });
      expect(root.status).toBe(200);
      const html = await root.text();
      expect(html).toContain('<div id="root">');

      const deep = await get('/system', { headers: { accept: 'text/html' } });
      expect(await deep.text()).toBe(html);

      const api = await get('/api/v1/missing', { headers: { accept: 'text/html' } });
      expect(api.status).toBe(404);
      expect(api.headers.get('content-type')).toContain(PROBLEM_CONTENT_TYPE);
    });
  });

  describe('system status', () => {
    it('lists the running worker and gets a job through the queue and back', async () => {
      const status = await waitFor(
        async () => {
          const s = (await (await get('/api/v1/system/status')).json()) as SystemStatus;
          return s.workers.length > 0 ? s : undefined;
        },
        10_000,
        'the worker heartbeat',
      );
      expect(status.instanceId).toMatch(/^[0-9a-f-]{36}$/);
      expect(status.workers[0].queues).toContain('system');

      const probed = (await (await get('/api/v1/system/status?probe=true')).json()) as SystemStatus;
      expect(probed.probe).toEqual({ ok: true, workerId: status.workers[0].id, roundTripMs: expect.any(Number) });
    });

    it('serves the worker health endpoint on its own port', async () => {
      const res = await fetch(suite.stack.workerHealthUrl as string);
      expect(res.status).toBe(200);
      const health = (await res.json()) as { queues: string[] };
      expect(health).toMatchObject({ status: 'ok', redis: 'up', consuming: true });
      // It consumes every queue of the job map.
      expect([...health.queues].sort()).toEqual(Object.values(QueueName).sort());
    });
  });
});
