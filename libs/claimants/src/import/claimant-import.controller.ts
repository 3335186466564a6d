import { Readable } from 'node:stream';
import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import busboy from 'busboy';
import type { Request, Response } from 'express';
import { type Actor, Allow, CurrentActor, InputError, JobsService, Role } from '@app/platform';
import { ClaimantImportService, type ImportReport, parseMapping } from './claimant-import.service';

/** The CSV file of a multipart/form-data request (field `file`), as a stream: never buffered whole. */
function multipartFile(req: Request): Promise<Readable> {
  return new Promise((resolve, reject) => {
    const parser = busboy({ headers: req.headers, limits: { files: 1 } });
    let found = false;
    let file: Readable | undefined;
    // Once the file stream is handed over, a client that goes away or a broken multipart body
    // must end it with an error: else the import waits for the rest forever, holding its COPY.
    const fail = (error: Error) => (file ? file.destroy(error) : reject(error));
    parser.on('file', (name, stream) => {
      if (name !== 'file' || found) return stream.resume();
      found = true;
      file = stream;
      resolve(stream);
    });
    parser.on('error', fail);
    req.on('close', () => req.complete || fail(new InputError('file', 'upload was interrupted')));
    parser.on('close', () => found || reject(new InputError('file', 'is missing (multipart field "file")')));
    req.pipe(parser);
  });
}

/** The longest `Prefer: wait=N` honoured, in seconds. */
const MAX_WAIT_SECONDS = 60;

/**
 * Bulk enrolment over HTTP: a CSV as multipart/form-data (field `file`) or as the raw body
 * (text/csv). Query: `encoding` (auto, utf-8, gb18030), `map` (header=column,… for other headers).
 * The upload validates and stages every row and answers 202 with the report (rejected rows: row,
 * field, reason; never values) and the job that enrols the valid rows; `GET /claimants/imports/:id`
 * and `job(id)` follow it. With `Prefer: wait=N` (RFC 7240) the answer waits up to N seconds
 * (at most 60) for the job and is 200 when the import is COMPLETE.
 */
@Controller('claimants')
export class ClaimantImportController {
  constructor(
    private readonly imports: ClaimantImportService,
    private readonly jobs: JobsService,
  ) {}

  @Allow(Role.ASSOCIATION_STAFF, Role.PROCURATOR)
  @Post('import')
  async import(
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @Query('encoding') encoding: unknown = 'auto',
    @Query('map') map?: unknown,
  ): Promise<ImportReport> {
    if (typeof encoding !== 'string' || !['auto', 'utf-8', 'utf8', 'gb18030', 'gbk'].includes(encoding.toLowerCase())) {
      throw new InputError('encoding', 'must be auto, utf-8 or gb18030');
    }
    const normalised = encoding.toLowerCase() === 'gbk' ? 'gb18030' : encoding.toLowerCase() === 'utf8' ? 'utf-8' : encoding.toLowerCase();
    if (map !== undefined && typeof map !== 'string') throw new InputError('map', 'must be given once');
    const mapping = parseMapping(map);
    const waitSeconds = preferredWait(req.get('prefer'));
    // Any other body type may have been consumed by a body parser already.
    if (!req.is(['multipart/form-data', 'text/csv', 'text/plain', 'application/octet-stream'])) {
      throw new InputError('content-type', 'must be multipart/form-data (field "file") or text/csv');
    }
    const file = req.is('multipart/form-data') ? await multipartFile(req) : (req as Readable);
    let report = await this.imports.stage(actor, file, { encoding: normalised as 'auto', mapping });
    if (waitSeconds > 0 && report.jobId) {
      await this.jobs.waitFor(report.jobId, waitSeconds * 1000);
      report = await this.imports.report(actor, report.importId);
    }
    res.status(report.status === 'COMPLETE' ? 200 : 202);
    return report;
  }

  /** An import's report: status, counts, and rejections after row `afterRow` (at most `limit`, ≤ 10,000). */
  @Allow(Role.ASSOCIATION_STAFF, Role.PROCURATOR)
  @Get('imports/:id')
  report(@CurrentActor() actor: Actor, @Param('id') id: string, @Query('afterRow') afterRow = '0', @Query('limit') limit = '10000'): Promise<ImportReport> {
    if (!/^\d{1,9}$/.test(afterRow)) throw new InputError('afterRow', 'must be a row number');
    if (!/^\d{1,5}$/.test(limit) || Number(limit) < 1 || Number(limit) > 10_000) throw new InputError('limit', 'must be 1 to 10000');
    return this.imports.report(actor, id, Number(afterRow), Number(limit));
  }
}

/** The seconds of an RFC 7240 `Prefer: wait=N` header (0 when absent), capped at MAX_WAIT_SECONDS. */
export function preferredWait(prefer: string | undefined): number {
  const match = /(?:^|[,;\s])wait\s*=\s*"?(\d+)"?/i.exec(prefer ?? '');
  return match ? Math.min(Number(match[1]), MAX_WAIT_SECONDS) : 0;
}
