import { Readable } from 'node:stream';
import { Controller, HttpCode, Post, Query, Req } from '@nestjs/common';
import busboy from 'busboy';
import type { Request } from 'express';
import { type Actor, Allow, CurrentActor, InputError, Role } from '@app/platform';
import { type ImportColumn, ClaimantImportService, IMPORT_COLUMNS, type ImportReport } from './claimant-import.service';

/** The CSV file of a multipart/form-data request (field `file`), as a stream: never buffered whole. */
function multipartFile(req: Request): Promise<Readable> {
  return new Promise((resolve, reject) => {
    const parser = busboy({ headers: req.headers, limits: { files: 1 } });
    let found = false;
    parser.on('file', (name, stream) => {
      if (name !== 'file' || found) return stream.resume();
      found = true;
      resolve(stream);
    });
    parser.on('error', reject);
    parser.on('close', () => found || reject(new InputError('file', 'is missing (multipart field "file")')));
    req.pipe(parser);
  });
}

/**
 * Bulk enrolment over HTTP: a CSV as multipart/form-data (field `file`) or as the raw body
 * (text/csv). Query: `encoding` (auto, utf-8, gb18030), `map` (header=column,… for other headers).
 * Answers with the import report: counts and rejected rows (row, field, reason; never values).
 */
@Controller('claimants')
export class ClaimantImportController {
  constructor(private readonly imports: ClaimantImportService) {}

  @Allow(Role.ASSOCIATION_STAFF, Role.PROCURATOR)
  @Post('import')
  @HttpCode(200)
  async import(
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Query('encoding') encoding = 'auto',
    @Query('map') map?: string,
  ): Promise<ImportReport> {
    if (!['auto', 'utf-8', 'utf8', 'gb18030', 'gbk'].includes(encoding.toLowerCase())) {
      throw new InputError('encoding', 'must be auto, utf-8 or gb18030');
    }
    const normalised = encoding.toLowerCase() === 'gbk' ? 'gb18030' : encoding.toLowerCase() === 'utf8' ? 'utf-8' : encoding.toLowerCase();
    const mapping = parseMapping(map);
    const file = req.is('multipart/form-data') ? await multipartFile(req) : (req as Readable);
    return this.imports.import(actor, file, { encoding: normalised as 'auto', mapping });
  }
}

/** `身份证=id_number,电话=phone` -> { 身份证: 'id_number', 电话: 'phone' }. */
export function parseMapping(map: string | undefined): Record<string, ImportColumn> {
  const mapping: Record<string, ImportColumn> = {};
  for (const pair of (map ?? '').split(',').filter(Boolean)) {
    const [header, column] = pair.split('=').map((s) => s.trim());
    if (!header || !column || !(column in IMPORT_COLUMNS)) throw new InputError('map', `entries must be header=column with column one of ${Object.keys(IMPORT_COLUMNS).join(', ')}`);
    mapping[header] = column as ImportColumn;
  }
  return mapping;
}
