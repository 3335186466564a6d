import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { type AppConfig, bodyParserErrors, createLogger, JsonLogger, requestContextMiddleware } from '@app/platform';
import { AppModule } from './app.module';
import { serveGraphiqlAssets } from './graphiql';

/** How long a request may take to arrive whole (a bulk-enrolment upload), in milliseconds: 2 hours. */
const UPLOAD_TIMEOUT_MS = 2 * 60 * 60 * 1000;

/** Builds the API application (not yet listening); used by main.ts and by the e2e tests. */
export async function createApi(config: AppConfig): Promise<NestExpressApplication> {
  const logger = createLogger(config.logLevel);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logger), {
    logger: new JsonLogger(logger),
    bufferLogs: false,
    // Registered below, so that their errors are answered in JSON (bodyParserErrors).
    bodyParser: false,
  });
  // No ETag (a SHA-1 of every answer body, for conditional GETs that no client of a POST API
  // makes) and no X-Powered-By (it names the framework to a prober).
  app.set('etag', false);
  app.disable('x-powered-by');
  app.use(requestContextMiddleware(logger));
  app.useBodyParser('json');
  app.useBodyParser('urlencoded', { extended: true });
  app.use(bodyParserErrors);
  if (config.graphql.graphiql) serveGraphiqlAssets(app.getHttpAdapter().getInstance());
  // A bulk-enrolment upload is read as fast as its rows are sealed: a file of millions of rows
  // takes longer than Node's default 5 minutes to receive. Headers still must arrive in 60 s.
  app.getHttpServer().requestTimeout = UPLOAD_TIMEOUT_MS;
  return app;
}
