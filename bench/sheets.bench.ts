import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { type BenchFigure, scratchDir } from './harness';
import { benchApi, idNumber, phone, writeLines } from './claimants-fixture';

const SHEET_ROWS = Number(process.env.BENCH_SHEET_ROWS ?? 100_000);

/**
 * bench/sheets: bulk enrolment of SHEET_ROWS claimants from an XLSX workbook (Chinese headers,
 * text ID and phone cells, a date cell, the consent and incident given as per-upload defaults),
 * through the REST upload (as the procuratorate that registered the incident) until the import is
 * COMPLETE: the streaming XLSX reader's cost.
 * Baseline measured in the same run: the same rows (other people) as a UTF-8 CSV, same defaults.
 */
export async function sheetsBench(): Promise<BenchFigure[]> {
  const dir = scratchDir('leakcase-bench-sheets-');
  const api = await benchApi(dir);
  try {
    const csv = join(dir, 'claimants.csv');
    await writeLines(csv, '姓名,身份证号,手机号,同意日期', SHEET_ROWS, (i) => `测试${i},${idNumber(60_000_000 + i)},${phone(600_000_000 + i)},2025-03-01`);
    const xlsx = join(dir, 'claimants.xlsx');
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: xlsx, useSharedStrings: false, useStyles: true });
    const sheet = writer.addWorksheet('登记表');
    sheet.addRow(['姓名', '身份证号', '手机号', '同意日期']).commit();
    const day = new Date(Date.UTC(2025, 2, 1));
    for (let i = 0; i < SHEET_ROWS; i++) sheet.addRow([`测试${i}`, idNumber(70_000_000 + i), phone(700_000_000 + i), day]).commit();
    sheet.commit();
    await writer.commit();

    const upload = async (file: string): Promise<number> => {
      const started = performance.now();
      const form = new FormData();
      form.append('file', new Blob([readFileSync(file)]), 'upload');
      const query = new URLSearchParams({ consentMethod: '书面签字', consentScope: '委托诉讼;个人信息处理', incidentIds: api.incidentId });
      const res = await fetch(`${api.base}/claimants/import?${query}`, { method: 'POST', headers: { authorization: `Bearer ${api.procurator}`, prefer: 'wait=60' }, body: form });
      let report = (await res.json()) as { importId: string; status: string; accepted: number | null; format: string };
      while (report.status === 'STAGED') {
        await new Promise((r) => setTimeout(r, 100));
        report = (await (await fetch(`${api.base}/claimants/imports/${report.importId}?limit=1`, { headers: { authorization: `Bearer ${api.procurator}` } })).json()) as typeof report;
      }
      if (report.accepted !== SHEET_ROWS) throw new Error(`sheets bench: ${JSON.stringify(report).slice(0, 600)}`);
      return (performance.now() - started) / 1000;
    };
    const csvSeconds = await upload(csv);
    const xlsxSeconds = await upload(xlsx);
    process.stderr.write(
      `sheets: ${SHEET_ROWS} rows: CSV ${(statSync(csv).size / 2 ** 20).toFixed(1)} MiB in ${csvSeconds.toFixed(2)} s, ` +
        `XLSX ${(statSync(xlsx).size / 2 ** 20).toFixed(1)} MiB in ${xlsxSeconds.toFixed(2)} s (${Math.round(SHEET_ROWS / xlsxSeconds)} rows/s)\n`,
    );
    return [
      {
        benchmark: 'sheets',
        measure: `${SHEET_ROWS} claimants bulk-enrolled from an XLSX (REST upload)`,
        value: xlsxSeconds,
        unit: 's',
        baseline: 'the same rows as a UTF-8 CSV',
        baselineValue: csvSeconds,
        ratio: xlsxSeconds / csvSeconds,
      },
    ];
  } finally {
    await api.close();
  }
}
