import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { PinoNestLogger, closeOnSignals, createLogger, loadConfigOrExit } from '@zpanel/core';
import { runMigrationsWithLock } from '@zpanel/database';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { configureApp } from './configure-app';

async function main(): Promise<void> {
  const config = loadConfigOrExit('api');
  const logger = createLogger({ level: config.log.level, name: 'zpanel-api' });
  try {
    const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logger), {
      logger: new PinoNestLogger(logger),
      bodyParser: false,
      abortOnError: false,
    });
    configureApp(app, config, logger);
    if (config.database.runMigrationsOnBoot) {
      const applied = await runMigrationsWithLock(app.get(DataSource));
      if (applied.length > 0) logger.info({ applied }, 'applied migrations');
    }
    closeOnSignals(app, logger);
    await app.listen(config.http.port, config.http.host);
    logger.info({ url: `http://${config.http.host === '0.0.0.0' ? 'localhost' : config.http.host}:${config.http.port}` }, 'Zpanel API listening');
  } catch (error) {
    // One line for the operator; the cause (never the config values) goes to the structured log.
    logger.fatal({ err: error }, 'API failed to start');
    process.stderr.write(`zpanel api: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

void main();
