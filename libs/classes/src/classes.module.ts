import { Module } from '@nestjs/common';
import { ClassesRepository } from './classes.repository';
import { ClaimantMembershipsResolver, ClassesResolver, ClassMemberResolver } from './classes.resolver';
import { ClassesService } from './classes.service';

/**
 * Classes: formation from a shared leak source, subclasses, composition and anomalies, judicial
 * review and representatives. Sits above cases (visibility, case type, registration period,
 * clock, the representative-count rule) and claimants (exposures, harms, enrolments).
 */
@Module({
  providers: [ClassesRepository, ClassesService, ClassesResolver, ClassMemberResolver, ClaimantMembershipsResolver],
  exports: [ClassesRepository, ClassesService],
})
export class ClassesModule {}
