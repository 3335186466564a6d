import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Req } from '@nestjs/common';
import type { Request } from 'express';
import { type Actor, Allow, APP_CONFIG, type AppConfig, CurrentActor, InputError, readBody, Role } from '@app/platform';
import type { CompleteDatasetRequest, CreateDatasetRequest } from './dataset-protocol';
import { DatasetsService } from './datasets.service';

/** Largest chunk body accepted: MAX_CHUNK_ROWS rows of two 32-byte hashes, with room to spare. */
const MAX_BODY = 20 * 1024 * 1024;

/**
 * The dataset upload protocol (REST: binary bodies are awkward in GraphQL). The CLI's
 * `leakcase dataset import` drives it: create, send chunks (skipping those already received),
 * complete. Procurators import seized data for incidents their organisation registered.
 */
@Controller('datasets')
export class DatasetsController {
  constructor(
    private readonly datasets: DatasetsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Allow(Role.PROCURATOR)
  @Post()
  create(@CurrentActor() actor: Actor, @Body() body: CreateDatasetRequest) {
    return this.datasets.create(actor, body);
  }

  @Allow(Role.PROCURATOR)
  @Get(':id')
  status(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.datasets.status(actor, id);
  }

  @Allow(Role.PROCURATOR)
  @Put(':id/chunks/:n')
  async chunk(@CurrentActor() actor: Actor, @Param('id') id: string, @Param('n') n: string, @Req() req: Request) {
    if (!/^\d+$/.test(n)) throw new InputError('chunk', 'must be a non-negative integer');
    // Any other type may have been parsed (and the stream consumed) by a body parser already,
    // which would store the chunk as empty and block the real one forever.
    if (!req.is('application/octet-stream')) throw new InputError('content-type', 'must be application/octet-stream');
    // Read whole (no slower than the configured pace) before the database is touched: a slow chunk holds no connection.
    return this.datasets.putChunk(actor, id, Number(n), await readBody(req, MAX_BODY, this.config.uploads.pace));
  }

  @Allow(Role.PROCURATOR)
  @Post(':id/complete')
  @HttpCode(200)
  complete(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: CompleteDatasetRequest) {
    return this.datasets.complete(actor, id, body);
  }
}
