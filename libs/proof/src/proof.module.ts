import { Module } from '@nestjs/common';
import { EvidenceController } from './evidence/evidence.controller';
import { EvidenceRepository } from './evidence/evidence.repository';
import { EvidenceResolver } from './evidence/evidence.resolver';
import { EvidenceService } from './evidence/evidence.service';
import { EvidenceLogService } from './ledger/evidence-log.service';
import { LedgerChecksService } from './ledger/ledger-checks.service';
import { LedgerExportService } from './ledger/ledger-export.service';
import { LedgerResolver } from './ledger/ledger.resolver';
import { LedgerRepository } from './ledger/ledger.repository';
import { LedgerSchedule, LedgerVerifyJob } from './ledger/ledger-verify.job';
import { EvidencePeriodExtensionsRepository } from './extensions/evidence-period-extensions.repository';
import { BurdenOfProofExtensionsResolver, EvidencePeriodExtensionsResolver } from './extensions/evidence-period-extensions.resolver';
import { EvidencePeriodExtensionsService } from './extensions/evidence-period-extensions.service';
import { ObligationFailuresJob } from './obligations/obligation-failures.job';
import { ObligationsRepository } from './obligations/obligations.repository';
import { ObligationsResolver } from './obligations/obligations.resolver';
import { ObligationsService } from './obligations/obligations.service';

const SERVICES = [
  LedgerRepository,
  EvidenceLogService,
  LedgerChecksService,
  LedgerExportService,
  EvidenceRepository,
  EvidenceService,
  ObligationsRepository,
  ObligationsService,
  EvidencePeriodExtensionsRepository,
  EvidencePeriodExtensionsService,
];

/**
 * The services of the burden of proof and the evidence ledger, without GraphQL or HTTP: what the
 * CLI uses (`leakcase ledger export`) and what other libraries import to append to the log
 * (EvidenceLogService.append, e.g. libs/documents for generated documents).
 */
@Module({ providers: [...SERVICES, LedgerVerifyJob, ObligationFailuresJob], exports: SERVICES })
export class ProofCoreModule {}

/**
 * The burden of proof and tamper-evident evidence for the API: obligations per element, evidence
 * items and their files, the evidence log (RFC 9162) with signed checkpoints of it and of the
 * audit chain, and the scheduled checkpoint and verification.
 */
@Module({
  imports: [ProofCoreModule],
  controllers: [EvidenceController],
  providers: [LedgerResolver, EvidenceResolver, ObligationsResolver, EvidencePeriodExtensionsResolver, BurdenOfProofExtensionsResolver, LedgerSchedule],
  exports: [ProofCoreModule],
})
export class ProofModule {}
