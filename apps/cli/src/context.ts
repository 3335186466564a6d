import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type AppConfig, createLogger, JsonLogger, loadConfig, stopEmbeddedPostgres } from '@app/platform';
import { CliModule } from './cli.module';

/**
 * Opens the application (database connection, pending migrations applied) for one command,
 * runs `fn`, and always closes it. Logs go to stderr as JSON; the command's own output to stdout.
 */
export async function withApp<T>(fn: (app: INestApplicationContext, config: AppConfig) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn', 2);
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: new JsonLogger(logger) });
  try {
    return await fn(app, config);
  } finally {
    await app.close();
    await stopEmbeddedPostgres();
  }
}
