import { Agent, request } from 'node:http';

/** A POST the client sends: where, what, and headers besides content-type. */
export interface SequentialTarget {
  url: string;
  body: string;
  headers?: Record<string, string>;
}

/** Sends `target`'s request on `agent` and waits for the whole answer; throws on a status other than 200. */
function send(agent: Agent, target: SequentialTarget): Promise<void> {
  return new Promise((resolve, reject) => {
    const url = new URL(target.url);
    const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(target.body)), ...target.headers };
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${target.url}: HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(target.body);
  });
}

/**
 * Run as a child process by graphql-rps (`node sequential-client.js TARGETS_JSON ROUNDS`): sends
 * one request to each target in turn, ROUNDS times, each on its own kept-alive connection, one
 * request in flight at a time, so that a server's CPU between a request and its answer is that
 * request's alone, and every target meets the same load from the rest of the machine.
 */
async function main(): Promise<void> {
  const targets: SequentialTarget[] = JSON.parse(process.argv[2]);
  const rounds = Number(process.argv[3]);
  const agents = targets.map(() => new Agent({ keepAlive: true, maxSockets: 1 }));
  for (let round = 0; round < rounds; round++) {
    for (const [i, target] of targets.entries()) await send(agents[i], target);
  }
  for (const agent of agents) agent.destroy();
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}
