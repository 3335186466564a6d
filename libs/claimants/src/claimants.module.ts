import { Module } from '@nestjs/common';
import { ClaimantsRepository } from './claimants.repository';
import { ClaimantsResolver } from './claimants.resolver';
import { ClaimantsService } from './claimants.service';
import { DatasetsController } from './datasets/datasets.controller';
import { DatasetsService } from './datasets/datasets.service';
import { MatchingJobs } from './datasets/matching.jobs';
import { MatchingRepository } from './datasets/matching.repository';
import { ClaimantImportController } from './import/claimant-import.controller';
import { ClaimantImportService } from './import/claimant-import.service';
import { VaultService } from './vault/vault.service';

const SERVICES = [VaultService, ClaimantsRepository, ClaimantsService, ClaimantImportService, MatchingRepository, MatchingJobs, DatasetsService];

/**
 * Claimants, the personal-data vault, bulk import, seized datasets and matching. Seized datasets
 * live here rather than in libs/leaks because matching joins the vault's blind indexes.
 */
@Module({
  providers: [...SERVICES, ClaimantsResolver],
  controllers: [DatasetsController, ClaimantImportController],
  exports: SERVICES,
})
export class ClaimantsModule {}

/** The same services without GraphQL or HTTP, for the CLI. */
@Module({ providers: SERVICES, exports: SERVICES })
export class ClaimantsCoreModule {}
