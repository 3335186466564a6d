import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Streamed rows between two full garbage collections (about 43 PDF pages; a roster's batch). */
export const RECLAIM_ROWS = 2_000;

let collect: (() => void) | undefined;

/**
 * A counter of streamed rows that runs a full garbage collection every RECLAIM_ROWS rows. Why:
 * what a long document leaves behind (each page's content chunks, laid-out words, database rows)
 * lives long enough to reach V8's old generation, which V8 lets grow to several times what is
 * live before collecting it, and grows further while its background threads are starved of CPU:
 * a 40,000-row roster took ~280 MB of heap for ~60 MB live, and the process 400 MB. Collected
 * every RECLAIM_ROWS rows (some tens of milliseconds each, per seconds of layout: no slower
 * measurably), the heap stays near what is live (~135 MB) and the process flat (~250 MB), so
 * memory does not grow with the class. `gc` is made reachable once per process (--expose-gc, read by
 * new contexts only), without changing how the process is started.
 */
export function reclaimer(): (rows: number) => void {
  let since = 0;
  return (rows) => {
    since += rows;
    if (since < RECLAIM_ROWS) return;
    since = 0;
    if (!collect) {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    }
    collect();
  };
}
