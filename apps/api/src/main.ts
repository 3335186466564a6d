import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig, stopEmbeddedPostgres } from '@app/platform';
import { createApi } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApi(config);
  // On SIGINT/SIGTERM, in this order: the HTTP server stops taking requests, running jobs go
  // back to the queue, the pools close (all in app.close()), then the embedded server stops if
  // this process owns it. A second signal while that runs is ignored.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    new Logger('Main').log(`${signal}: stopping`);
    void app
      .close()
      .then(stopEmbeddedPostgres)
      .then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`Shutdown failed: ${(error as Error)?.message ?? error}\n`);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await app.listen(config.port);
  new Logger('Main').log(`leakcase API on http://localhost:${config.port}/graphql (health: /health)`);
}

main().catch(async (error: unknown) => {
  // A configuration error is the user's to fix: say which variable, without a stack trace.
  const message = error instanceof ConfigError ? error.message : `Start-up failed: ${(error as Error)?.message ?? error}`;
  process.stderr.write(`${message}\n`);
  // A server this process started must not outlive it.
  await stopEmbeddedPostgres().catch(() => undefined);
  process.exit(1);
});
