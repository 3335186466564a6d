import { createReadStream } from 'node:fs';
import { Controller, Get, HttpCode, Inject, Logger, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { type Actor, Allow, APP_CONFIG, type AppConfig, CurrentActor, InputError, Role, uploadStream } from '@app/platform';
import { fileDigest } from '../ledger/file-hash';
import { fileFailure } from '../ledger/ledger-leaf';
import type { EvidenceItem } from './evidence.model';
import { SubmitEvidenceQuery } from './evidence.inputs';
import { EvidenceService } from './evidence.service';

/**
 * Evidence files over HTTP (binary bodies are awkward in GraphQL).
 *
 * `POST /cases/:caseId/evidence?title=…&source=…[&partyId=…][&obligationIds=a,b]`: the file as
 * multipart/form-data (field `file`) or as the raw body (application/octet-stream), at most
 * EVIDENCE_MAX_BYTES; answers 201 with the item (its hash, sniffed type, pages, log position).
 * `GET /evidence/:id/file`: the bytes, to whoever may see the item (audited): the file its ledger
 * entry names (EvidenceService.file refuses an item whose row no longer matches its entry). The
 * stored file is hashed before anything is sent: when it is missing or its SHA-256 or size is no
 * longer the entry's, nothing of it is served, the answer is 500 with the request id and the cause is logged at
 * error level (`verifyLedger` then names the entry).
 */
@Controller()
export class EvidenceController {
  private readonly logger = new Logger('Evidence');

  constructor(
    private readonly evidence: EvidenceService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Allow(Role.PROCURATOR, Role.ASSOCIATION_STAFF, Role.JUDGE)
  @Post('cases/:caseId/evidence')
  @HttpCode(201)
  submit(@CurrentActor() actor: Actor, @Param('caseId') caseId: string, @Query() query: SubmitEvidenceQuery, @Req() req: Request): Promise<EvidenceItem> {
    // Any other body type may have been consumed by a body parser already.
    if (!req.is(['multipart/form-data', 'application/octet-stream'])) {
      throw new InputError('content-type', 'must be multipart/form-data (field "file") or application/octet-stream');
    }
    return this.evidence.submit(actor, caseId, query, () => uploadStream(req, { maxBytes: this.config.ledger.evidenceMaxBytes, field: 'file', pace: this.config.uploads.pace }));
  }

  @Allow(Role.PROCURATOR, Role.ASSOCIATION_STAFF, Role.JUDGE)
  @Get('evidence/:id/file')
  async file(@CurrentActor() actor: Actor, @Param('id') id: string, @Res() res: Response): Promise<void> {
    const served = await this.evidence.file(actor, id);
    const { file } = served;
    // Files are at most EVIDENCE_MAX_BYTES: hashing first costs one read and never sends changed bytes.
    const failure = fileFailure(served.index, file, await fileDigest(served.path));
    if (failure) {
      this.logger.error(`evidence item ${id}: ${failure}; not served`);
      throw new Error('the stored evidence file does not match its ledger entry');
    }
    res.status(200);
    res.setHeader('content-type', served.contentType);
    res.setHeader('content-length', String(file.sizeBytes));
    res.setHeader('content-disposition', `attachment; filename="${file.sha256}"`);
    res.setHeader('x-content-type-options', 'nosniff');
    createReadStream(served.path)
      .on('error', () => res.destroy())
      .pipe(res);
  }
}
