import { Client } from 'pg';
import { testEnv } from './support/api';
import { createTestDatabase, withClient } from './support/database';
import { freePort, httpGql, type ServerProcess, startServerProcess } from './support/server-process';

const LOGIN = `mutation { login(email: "admin@demo.local", password: "leakcase-demo") { token } }`;
const JOB = `query($id: ID!) { job(id: $id) { status done total attempts result } }`;

describe('durable jobs', () => {
  const servers: ServerProcess[] = [];
  let drop: () => Promise<void>;
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop('SIGKILL')));
    await drop?.();
  });

  it('finishes a job exactly once after the server running it is killed mid-way', async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    // A short heartbeat so the dead server's claim on the job expires within seconds.
    const env = testEnv(database.url, { JOB_HEARTBEAT_SECONDS: '10', JOB_SUPERVISE_SECONDS: '1' });
    const first = await startServerProcess(env, await freePort());
    servers.push(first);

    // A log long enough to take many checkpoints at 100 rows a batch.
    await withClient(database.url, (db) =>
      db.query(`INSERT INTO audit_event (action, subject_type) SELECT 'test.fill', 'Test' FROM generate_series(1, 5000)`),
    );
    const token = (await httpGql(first.baseUrl, LOGIN)).data.login.token;
    const started = await httpGql(first.baseUrl, `mutation { verifyAuditChain(batchSize: 100) { id } }`, {}, token);
    const jobId: string = started.data.verifyAuditChain.id;

    // Once the first checkpoint is in, hold the job row: the next checkpoint waits on it.
    const holder = new Client({ connectionString: database.url });
    await holder.connect();
    for (;;) {
      const { rows } = await holder.query(`SELECT progress_done FROM job WHERE id = $1`, [jobId]);
      if (Number(rows[0].progress_done) >= 100) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await holder.query('BEGIN');
    const { rows: held } = await holder.query(`SELECT status, progress_done, progress_total FROM job WHERE id = $1 FOR UPDATE`, [jobId]);
    expect(held[0].status).toBe('RUNNING');
    expect(Number(held[0].progress_done)).toBeLessThan(Number(held[0].progress_total));

    await first.stop('SIGKILL');
    await holder.query('ROLLBACK');
    await holder.end();

    const second = await startServerProcess(env, await freePort());
    servers.push(second);
    const token2 = (await httpGql(second.baseUrl, LOGIN)).data.login.token;
    let job: { status: string; done: number; total: number; attempts: number; result: string };
    const deadline = Date.now() + 90_000;
    do {
      await new Promise((r) => setTimeout(r, 250));
      job = (await httpGql(second.baseUrl, JOB, { id: jobId }, token2)).data.job;
    } while (job.status !== 'COMPLETED' && Date.now() < deadline);

    expect(job).toMatchObject({ status: 'COMPLETED', attempts: 2, done: job.total });
    expect(JSON.parse(job.result)).toMatchObject({ intact: true, checked: job.total, firstBrokenSeq: null, reason: null });
    await withClient(database.url, async (db) => {
      const { rows } = await db.query(`SELECT state FROM pgboss.job WHERE id = $1`, [jobId]);
      expect(rows).toEqual([{ state: 'completed' }]);
    });
  });
});
