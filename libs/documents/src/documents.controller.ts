import { Controller, Get, Param, ParseUUIDPipe, Res } from '@nestjs/common';
import type { Response } from 'express';
import { type Actor, Allow, CurrentActor, NotFoundError, Role } from '@app/platform';
import { DocumentsService } from './documents.service';

/** Downloads of generated documents (REST: files are awkward in GraphQL). */
@Controller('documents')
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  /**
   * The file of a document of the caller's organisation, with its SHA-256 in `X-Content-SHA256`.
   * Anything else, a malformed id included, is NOT_FOUND.
   */
  @Allow(Role.PROCURATOR, Role.ASSOCIATION_STAFF, Role.JUDGE)
  @Get(':id')
  async download(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => new NotFoundError('Document', 'id') })) id: string,
    @Res() res: Response,
  ): Promise<void> {
    const file = await this.documents.file(actor, id);
    res.setHeader('content-type', file.contentType);
    res.setHeader('content-length', String(file.document.sizeBytes));
    res.setHeader('content-disposition', `attachment; filename="${file.fileName}"`);
    res.setHeader('x-content-sha256', file.document.sha256);
    await new Promise<void>((resolve, reject) => {
      const stream = this.documents.open(file);
      stream.on('error', reject);
      res.on('finish', resolve);
      stream.pipe(res);
    });
  }
}
