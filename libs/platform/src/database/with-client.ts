import { Client } from 'pg';

/** Runs `fn` with a fresh connection to `url`, always closing it (admin work, tests, benchmarks). */
export async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
