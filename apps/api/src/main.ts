import 'reflect-metadata';
import { ConfigError, loadConfig } from '@app/platform';
import { createApi } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApi(config);
  await app.listen(config.port);
  process.stdout.write(
    JSON.stringify({ level: 30, msg: `leakcase API on http://localhost:${config.port}/graphql (health: /health)` }) + '\n',
  );
}

main().catch((error: unknown) => {
  // A configuration error is the user's to fix: say which variable, without a stack trace.
  const message = error instanceof ConfigError ? error.message : `Start-up failed: ${(error as Error)?.message ?? error}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
