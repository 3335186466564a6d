import { randomBytes } from 'node:crypto';
import { withClient } from '../../libs/platform/src/database/with-client';

export { withClient };

/** Creates an empty database for one test file and returns its URL. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = process.env.LEAKCASE_TEST_ADMIN_URL;
  if (!adminUrl) throw new Error('LEAKCASE_TEST_ADMIN_URL is not set: run e2e tests through jest (global-setup)');
  const name = `leakcase_test_${randomBytes(6).toString('hex')}`;
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withClient(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
