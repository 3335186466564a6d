import 'reflect-metadata';
import { type BenchFigure, cleanUp } from './harness';
import { graphqlRps } from './graphql-rps.bench';
import { classComposition } from './class-composition.bench';
import { classFormationBench } from './class-formation.bench';
import { datasetMatchBench } from './dataset-match.bench';
import { enrolBench } from './enrol.bench';
import { rematchBench } from './rematch.bench';
import { sheetsBench } from './sheets.bench';
import { ledgerBench } from './ledger.bench';
import { rosterBench } from './roster.bench';
import { assessmentBench } from './assessment.bench';

/** Every benchmark, in order. Each returns figures with a baseline measured in the same run. */
const BENCHMARKS: Record<string, () => Promise<BenchFigure[]>> = {
  'graphql-rps': graphqlRps,
  'class-composition': classComposition,
  'class-formation': classFormationBench,
  'dataset-match': datasetMatchBench,
  enrol: enrolBench,
  rematch: rematchBench,
  sheets: sheetsBench,
  ledger: ledgerBench,
  roster: rosterBench,
  assessment: assessmentBench,
};

/** Prints figures as a table on stdout. */
function printTable(figures: BenchFigure[]): void {
  const rows = figures.map((f) => [
    f.benchmark,
    f.measure,
    `${f.value.toFixed(1)} ${f.unit}`,
    `${f.baseline}: ${f.baselineValue.toFixed(1)} ${f.unit}`,
    f.ratio.toFixed(3),
  ]);
  const header = ['benchmark', 'measure', 'value', 'baseline (same run)', 'ratio'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
  process.stdout.write(`${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
}

/**
 * Runs the benchmarks (all, or the one named by the first argument). Each one's figures are
 * printed as soon as it ends, before its database and folders are removed, so a cleanup that
 * fails (a DROP DATABASE refused, say) loses nothing; what was left behind is named on stderr
 * and the exit code is 1.
 */
async function main(): Promise<void> {
  const only = process.argv[2];
  let left = 0;
  for (const [name, bench] of Object.entries(BENCHMARKS)) {
    if (only && name !== only) continue;
    process.stderr.write(`running ${name}...\n`);
    try {
      printTable(await bench());
    } finally {
      for (const message of await cleanUp()) {
        process.stderr.write(`bench cleanup: ${message}\n`);
        left++;
      }
    }
  }
  if (left) throw new Error(`${left} things were left behind`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error)?.stack ?? error}\n`);
    process.exit(1);
  },
);
