import { Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { type Actor, Allow, APP_CONFIG, type AppConfig, CurrentActor, InputError, JobsService, Role, UploadGate, uploadStream } from '@app/platform';
import { ClaimantImportService, type ImportReport, parseMapping, readImportDefaults } from './claimant-import.service';
import { claimantTemplate, reportSheet, SHEET_CONTENT_TYPES, type SheetFileFormat } from './sheet-files';

/** The longest `Prefer: wait=N` honoured, in seconds. */
const MAX_WAIT_SECONDS = 60;

/** The per-upload defaults' query parameters (see readImportDefaults). */
const DEFAULT_PARAMETERS = ['consentMethod', 'consentScope', 'consentDate', 'harmTypes', 'incidentIds'] as const;

/**
 * Bulk enrolment over HTTP: a claimant sheet (CSV/TSV in UTF-8, GB18030 or UTF-16, or XLSX:
 * sniffed from the bytes) as multipart/form-data (field `file`) or as the raw body, at most
 * IMPORT_MAX_BYTES. Query: `encoding` (auto, utf-8, gb18030; a UTF-16 BOM or an XLSX always
 * wins), `map` (header=column,… for other headers), and the per-upload defaults `consentMethod`,
 * `consentScope`, `consentDate`, `harmTypes`, `incidentIds` (a row's own cell takes precedence).
 * The upload validates and stages every row and answers 202 with the report (rejected rows: row,
 * field, reason; never values) and the job that enrols the valid rows; `GET /claimants/imports/:id`
 * and `job(id)` follow it. A truncated, malformed or abandoned upload, or one with no or several
 * file parts, or one arriving slower than the configured pace (UploadPace), is BAD_USER_INPUT and
 * stages nothing; past UPLOAD_MAX_CONCURRENT uploads at once it is refused at once with 503
 * (UNAVAILABLE, Retry-After). With `Prefer: wait=N` (RFC 7240) the answer waits up to N seconds
 * (at most 60) for the job and is 200 when the import is COMPLETE.
 */
@Controller('claimants')
export class ClaimantImportController {
  constructor(
    private readonly imports: ClaimantImportService,
    private readonly jobs: JobsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly gate: UploadGate,
  ) {}

  @Allow(Role.ASSOCIATION_STAFF, Role.PROCURATOR)
  @Post('import')
  async import(
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Query('encoding') encoding: unknown = 'auto',
    @Query('map') map?: unknown,
    @Query() query: Record<string, unknown> = {},
  ): Promise<ImportReport> {
    if (typeof encoding !== 'string' || !['auto', 'utf-8', 'utf8', 'gb18030', 'gbk'].includes(encoding.toLowerCase())) {
      throw new InputError('encoding', 'must be auto, utf-8 or gb18030');
    }
    const normalised = encoding.toLowerCase() === 'gbk' ? 'gb18030' : encoding.toLowerCase() === 'utf8' ? 'utf-8' : encoding.toLowerCase();
    if (map !== undefined && typeof map !== 'string') throw new InputError('map', 'must be given once');
    const mapping = parseMapping(map);
    const raw: Record<string, string> = {};
    for (const name of DEFAULT_PARAMETERS) {
      const value = query[name];
      if (value === undefined) continue;
      if (typeof value !== 'string') throw new InputError(name, 'must be given once');
      raw[name] = value;
    }
    const defaults = readImportDefaults(raw);
    const waitSeconds = preferredWait(req.get('prefer'));
    // Any other body type may have been consumed by a body parser already.
    if (!req.is(['multipart/form-data', 'text/csv', 'text/plain', 'text/tab-separated-values', 'application/octet-stream', SHEET_CONTENT_TYPES.xlsx])) {
      throw new InputError('content-type', 'must be multipart/form-data (field "file"), text/csv or an XLSX');
    }
    // Staging holds a database connection while the body arrives: a bounded number at once.
    const release = this.gate.enter();
    let report: ImportReport;
    try {
      // Staged in one transaction that commits only if the whole body arrived well-formed (uploadStream).
      const file = uploadStream(req, { maxBytes: this.config.importMaxBytes, field: 'file', pace: this.config.uploads.pace });
      report = await this.imports.stage(actor, file, { encoding: normalised as 'auto', mapping, defaults });
    } finally {
      release();
    }
    if (waitSeconds > 0 && report.jobId) {
      await this.jobs.waitFor(report.jobId, waitSeconds * 1000);
      report = await this.imports.report(actor, report.importId);
    }
    res.status(report.status === 'COMPLETE' ? 200 : 202);
    return report;
  }

  /** An import's report: status, counts, and the rejections and the warnings after row `afterRow` (at most `limit` of each, ≤ 10,000). */
  @Allow(Role.ASSOCIATION_STAFF, Role.PROCURATOR)
  @Get('imports/:id')
  report(@CurrentActor() actor: Actor, @Param('id') id: string, @Query('afterRow') afterRow = '0', @Query('limit') limit = '10000'): Promise<ImportReport> {
    if (!/^\d{1,9}$/.test(afterRow)) throw new InputError('afterRow', 'must be a row number');
    if (!/^\d{1,5}$/.test(limit) || Number(limit) < 1 || Number(limit) > 10_000) throw new InputError('limit', 'must be 1 to 10000');
    return this.imports.report(actor, id, Number(afterRow), Number(limit));
  }

  /**
   * An import's whole report as a sheet (`format` csv, the default, or xlsx): ignored columns,
   * skipped rows, rejections and warnings (row, decision, field, code, reason; never a value).
   */
  @Allow(Role.ASSOCIATION_STAFF, Role.PROCURATOR)
  @Get('imports/:id/report')
  async reportFile(@CurrentActor() actor: Actor, @Param('id') id: string, @Res() res: Response, @Query('format') format?: unknown): Promise<void> {
    const chosen = sheetFormat(format, 'csv');
    const lines = await this.imports.reportLines(actor, id);
    sendSheet(res, await reportSheet(lines, chosen), chosen, `claimant-import-${id}-report`);
  }

  /** The claimant sheet template (`format` xlsx, the default, or csv): see claimantTemplate. */
  @Allow(Role.ASSOCIATION_STAFF, Role.PROCURATOR)
  @Get('import/template')
  async template(@Res() res: Response, @Query('format') format?: unknown): Promise<void> {
    const chosen = sheetFormat(format, 'xlsx');
    sendSheet(res, await claimantTemplate(chosen), chosen, 'claimants-template');
  }
}

/** `csv` or `xlsx` from a `format` query parameter (`fallback` when absent), else InputError. */
function sheetFormat(format: unknown, fallback: SheetFileFormat): SheetFileFormat {
  if (format === undefined) return fallback;
  if (format !== 'csv' && format !== 'xlsx') throw new InputError('format', 'must be csv or xlsx');
  return format;
}

/** Sends a sheet file as a download. */
function sendSheet(res: Response, body: Buffer, format: SheetFileFormat, name: string): void {
  res.setHeader('content-type', SHEET_CONTENT_TYPES[format]);
  res.setHeader('content-disposition', `attachment; filename="${name}.${format}"`);
  res.send(body);
}

/** The seconds of an RFC 7240 `Prefer: wait=N` header (0 when absent), capped at MAX_WAIT_SECONDS. */
export function preferredWait(prefer: string | undefined): number {
  const match = /(?:^|[,;\s])wait\s*=\s*"?(\d+)"?/i.exec(prefer ?? '');
  return match ? Math.min(Number(match[1]), MAX_WAIT_SECONDS) : 0;
}
