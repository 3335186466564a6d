import { PlatformFoundation1764400000000 } from './1764400000000-platform-foundation';
import { CasesAndIncidents1764400001000 } from './1764400001000-cases-and-incidents';
import { ClaimantsAndDatasets1764400002000 } from './1764400002000-claimants-and-datasets';
import { Classes1764400003000 } from './1764400003000-classes';
import { AdministrativeAppealRules1764400004000 } from './1764400004000-administrative-appeal-rules';
import { EnrolmentDeclaredIncidents1764400006000 } from './1764400006000-enrolment-declared-incidents';
import { IncrementalMatching1764400007000 } from './1764400007000-incremental-matching';
import { ClaimantImportStaging1764400008000 } from './1764400008000-claimant-import-staging';
import { ClassMemberEnrolmentFacts1764400010000 } from './1764400010000-class-member-enrolment-facts';
import { Accounts1764400011000 } from './1764400011000-accounts';
import { ClassMemberEnrolmentCategories1764400012000 } from './1764400012000-class-member-enrolment-categories';
import { ClassMemberReasonAuthors1764400013000 } from './1764400013000-class-member-reason-authors';
import { DeadlineRecomputation1764400015000 } from './1764400015000-deadline-recomputation';
import { OwnSubclassReassignment1764400016000 } from './1764400016000-own-subclass-reassignment';
import { DatasetUnusableRows1764400020000 } from './1764400020000-dataset-unusable-rows';
import { ClaimantImportFiles1764400030000 } from './1764400030000-claimant-import-files';
import { MemberFactsPerSeizedRow1764400040000 } from './1764400040000-member-facts-per-seized-row';
import { LeakIncidentShares1764400050000 } from './1764400050000-leak-incident-shares';
import { EvidenceLedger1764400060000 } from './1764400060000-evidence-ledger';
import { BurdenOfProof1764400061000 } from './1764400061000-burden-of-proof';
import { Remedies1764400070000 } from './1764400070000-remedies';
import { RemedyEvidenceItems1764400071000 } from './1764400071000-remedy-evidence-items';
import { RemedyScheduleDocument1764400072000 } from './1764400072000-remedy-schedule-document';
import { Documents1764400080000 } from './1764400080000-documents';
import { DocumentLogIndex1764400095000 } from './1764400095000-document-log-index';
import { EvidenceListDocument1764400096000 } from './1764400096000-evidence-list-document';
import { ActorInvalidation1764400110000 } from './1764400110000-actor-invalidation';
import { EnrolmentReferencesPerStatement1764400120000 } from './1764400120000-enrolment-references-per-statement';
import { AssessmentMemberClaimantIndex1764400130000 } from './1764400130000-assessment-member-claimant-index';
import { EvidencePeriodExtensions1764400150000 } from './1764400150000-evidence-period-extensions';
import { EnrolmentImportClaimantsJoined1764400180000 } from './1764400180000-enrolment-import-claimants-joined';
import { BulkEnrolmentChecks1764400140000 } from './1764400140000-bulk-enrolment-checks';

/** Every migration, oldest first. TypeORM runs the ones not yet recorded in `migrations`. */
export const MIGRATIONS = [
  PlatformFoundation1764400000000,
  CasesAndIncidents1764400001000,
  ClaimantsAndDatasets1764400002000,
  Classes1764400003000,
  AdministrativeAppealRules1764400004000,
  EnrolmentDeclaredIncidents1764400006000,
  IncrementalMatching1764400007000,
  ClaimantImportStaging1764400008000,
  ClassMemberEnrolmentFacts1764400010000,
  Accounts1764400011000,
  ClassMemberEnrolmentCategories1764400012000,
  ClassMemberReasonAuthors1764400013000,
  DeadlineRecomputation1764400015000,
  OwnSubclassReassignment1764400016000,
  DatasetUnusableRows1764400020000,
  ClaimantImportFiles1764400030000,
  MemberFactsPerSeizedRow1764400040000,
  LeakIncidentShares1764400050000,
  EvidenceLedger1764400060000,
  BurdenOfProof1764400061000,
  Remedies1764400070000,
  RemedyEvidenceItems1764400071000,
  RemedyScheduleDocument1764400072000,
  Documents1764400080000,
  DocumentLogIndex1764400095000,
  EvidenceListDocument1764400096000,
  ActorInvalidation1764400110000,
  EnrolmentReferencesPerStatement1764400120000,
  AssessmentMemberClaimantIndex1764400130000,
  BulkEnrolmentChecks1764400140000,
  EvidencePeriodExtensions1764400150000,
  EnrolmentImportClaimantsJoined1764400180000,
];
