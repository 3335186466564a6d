import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { type AppConfig, createLogger, JsonLogger, requestContextMiddleware } from '@app/platform';
import { AppModule } from './app.module';
import { serveGraphiqlAssets } from './graphiql';

/** Builds the API application (not yet listening); used by main.ts and by the e2e tests. */
export async function createApi(config: AppConfig): Promise<NestExpressApplication> {
  const logger = createLogger(config.logLevel);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logger), {
    logger: new JsonLogger(logger),
    bufferLogs: false,
  });
  app.use(requestContextMiddleware);
  serveGraphiqlAssets(app.getHttpAdapter().getInstance());
  return app;
}
