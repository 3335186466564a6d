import type { TestApi } from './api';

export interface JobView {
  id: string;
  status: string;
  done: number;
  total: number | null;
  attempts: number;
  error: string | null;
  result: string | null;
}

const JOB = `query($id: ID!) { job(id: $id) { id status done total attempts error result } }`;

/** Polls `job(id)` until it is COMPLETED or FAILED (or the timeout passes). */
export async function waitForJob(
  gql: TestApi['gql'],
  token: string,
  id: string,
  timeoutMs = 60_000,
): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await gql<{ job: JobView }>(JOB, { id }, token);
    const job = res.data?.job;
    if (!job) throw new Error(`job(${id}) failed: ${JSON.stringify(res.errors)}`);
    if (job.status === 'COMPLETED' || job.status === 'FAILED') return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
