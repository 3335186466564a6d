import { Module } from '@nestjs/common';
import { ClassesModule } from '@app/classes';
import { ProofCoreModule } from '@app/proof';
import { AssessmentsRepository } from './assessments.repository';
import { AssessmentsService } from './assessments.service';
import { RemediesController } from './remedies.controller';
import { RemediesRepository } from './remedies.repository';
import { AssessmentsResolver, ComplianceEvidenceResolver, MemberAssessmentResolver, RemediesResolver } from './remedies.resolver';
import { RemediesService } from './remedies.service';

/**
 * The four remedies (cessation, apology, eliminating the impact, compensation) through their
 * lifecycle, liability per defendant, proportionality, and the compensation assessment of a
 * class with its distribution schedule. Sits above cases and classes.
 */
@Module({
  imports: [ClassesModule, ProofCoreModule],
  controllers: [RemediesController],
  providers: [RemediesRepository, RemediesService, AssessmentsRepository, AssessmentsService, RemediesResolver, ComplianceEvidenceResolver, AssessmentsResolver, MemberAssessmentResolver],
  exports: [RemediesService, AssessmentsService, AssessmentsRepository],
})
export class RemediesModule {}
