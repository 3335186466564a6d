import { Global, Module } from '@nestjs/common';
import { CASE_VISIBILITY } from '@app/platform';
import { LeaksModule } from '@app/leaks';
import { CaseLoaders } from './case.loaders';
import { CaseVisibilityProvider } from './case-visibility.provider';
import { CasesRepository } from './cases.repository';
import { CaseDeadlineResolver, CasePartyResolver, CasesResolver, RelatedCaseResolver } from './cases.resolver';
import { CasesService } from './cases.service';
import { DeadlinesRepository } from './deadlines.repository';
import { DeadlinesService } from './deadlines.service';
import { HolidayCalendarResolver } from './holiday-calendar.resolver';

/**
 * Cases, parties, standing, stages and deadlines. Global only so that the platform's audit log
 * can reach CASE_VISIBILITY (the platform sits below this library and cannot import it).
 */
@Global()
@Module({
  imports: [LeaksModule],
  providers: [
    CasesRepository,
    DeadlinesRepository,
    CasesService,
    DeadlinesService,
    CaseLoaders,
    CasesResolver,
    CasePartyResolver,
    CaseDeadlineResolver,
    RelatedCaseResolver,
    HolidayCalendarResolver,
    { provide: CASE_VISIBILITY, useClass: CaseVisibilityProvider },
  ],
  // LeaksModule is re-exported for its Clock, the one the cases use (libs/leaks/src/clock.ts).
  exports: [CASE_VISIBILITY, CasesService, DeadlinesService, LeaksModule],
})
export class CasesModule {}
