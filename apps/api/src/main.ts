import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig, stopEmbeddedPostgres } from '@app/platform';
import { createApi } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApi(config);
  // On SIGINT/SIGTERM: close the app (jobs stop gracefully, connections close), then the
  // embedded server if this process started it.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void app
        .close()
        .then(stopEmbeddedPostgres)
        .finally(() => process.exit(0));
    });
  }
  await app.listen(config.port);
  new Logger('Main').log(`leakcase API on http://localhost:${config.port}/graphql (health: /health)`);
}

main().catch((error: unknown) => {
  // A configuration error is the user's to fix: say which variable, without a stack trace.
  const message = error instanceof ConfigError ? error.message : `Start-up failed: ${(error as Error)?.message ?? error}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
