import { createServer, type Server } from 'node:http';
import type Redis from 'ioredis';
import type { JobDispatcher } from './job-dispatcher';

/**
 * `GET /health` on the worker's own port (the worker serves no user HTTP). 200 while it consumes
 * its queues and reaches Redis; 503 otherwise, so an orchestrator restarts a stuck worker.
 */
export function startHealthServer(options: {
  port: number;
  host: string;
  dispatcher: JobDispatcher;
  redis: Redis;
  workerId: string;
}): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/health') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"status":"not_found"}');
      return;
    }
    void (async () => {
      const redisUp = await Promise.race([
        options.redis.ping().then(
          () => true,
          () => false,
        ),
        new Promise<boolean>((r) => setTimeout(() => r(false), 2_000)),
      ]);
      const ok = redisUp && options.dispatcher.isRunning;
      const body = {
        status: ok ? 'ok' : 'unavailable',
        workerId: options.workerId,
        redis: redisUp ? 'up' : 'down',
        consuming: options.dispatcher.isRunning,
        queues: options.dispatcher.queues,
        activeJobs: options.dispatcher.activeJobs,
      };
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
    })();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve(server));
  });
}
