import { Controller, Get, HttpCode, Inject, Logger, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { type Actor, Allow, APP_CONFIG, type AppConfig, CurrentActor, InputError, Role, uploadStream } from '@app/platform';
import { pipeline } from 'node:stream';
import { CHANGED_WHILE_SERVED, openHashed, streamVerified } from '../ledger/file-hash';
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
 * stored file is opened once and hashed through that descriptor before anything is sent, then
 * served from the same descriptor, hashed again on the way with its last chunk held back (a file
 * written in place meanwhile breaks the download off before its end): when it is missing or its
 * SHA-256 or size is no longer the entry's, nothing of it is served, the answer is 500 with the request id and the cause is logged at
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
    // Opened once: hashed through that descriptor, then served from it (file-hash.ts): a file put
    // in its place after the check is never served, one written in place fails before its end.
    const opened = await openHashed(served.path);
    const failure = fileFailure(served.index, file, opened?.digest ?? null);
    if (failure || !opened) {
      await opened?.handle.close();
      this.logger.error(`evidence item ${id}: ${failure}; not served`);
      throw new Error('the stored evidence file does not match its ledger entry');
    }
    res.status(200);
    res.setHeader('content-type', served.contentType);
    res.setHeader('content-length', String(file.sizeBytes));
    res.setHeader('content-disposition', `attachment; filename="${file.sha256}"`);
    res.setHeader('x-content-type-options', 'nosniff');
    pipeline(streamVerified(opened.handle, opened.digest), res, (error) => {
      // A client that went away is no finding; a file changed while served is.
      if (error?.message === CHANGED_WHILE_SERVED) this.logger.error(`evidence item ${id}: ${error.message}; the download was broken off`);
    });
  }
}
