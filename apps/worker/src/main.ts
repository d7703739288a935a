import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { PinoNestLogger, closeOnSignals, createLogger, loadConfigOrExit } from '@zpanel/core';
import { REDIS_CLIENT } from '@zpanel/queue';
import type Redis from 'ioredis';
import { startHealthServer } from './health-server';
import { JobDispatcher } from './job-dispatcher';
import { WorkerModule } from './worker.module';
import { newWorkerId } from './worker-identity';

async function main(): Promise<void> {
  const config = loadConfigOrExit('worker');
  const logger = createLogger({ level: config.log.level, name: 'zpanel-worker' });
  const workerId = newWorkerId();
  try {
    const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, logger, workerId), {
      logger: new PinoNestLogger(logger),
      abortOnError: false,
    });
    const health = await startHealthServer({
      port: config.worker.healthPort,
      host: config.http.host,
      dispatcher: app.get(JobDispatcher),
      redis: app.get<Redis>(REDIS_CLIENT),
      workerId,
    });
    closeOnSignals(app, logger, () => health.close());
    logger.info({ workerId, healthPort: config.worker.healthPort }, 'Zpanel worker started');
  } catch (error) {
    logger.fatal({ err: error }, 'worker failed to start');
    process.stderr.write(`zpanel worker: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

void main();
