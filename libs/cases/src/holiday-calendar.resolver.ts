import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { type Actor, Allow, ANY_ROLE, CurrentActor, Role } from '@app/platform';
import { LoadHolidayCalendarYearInput } from './case.inputs';
import { HolidayCalendarYear, LoadedHolidayCalendarYear } from './case.model';
import { DeadlinesService } from './deadlines.service';

@Resolver(() => HolidayCalendarYear)
export class HolidayCalendarResolver {
  constructor(private readonly deadlines: DeadlinesService) {}

  @Allow(...ANY_ROLE)
  @Query(() => [HolidayCalendarYear], { description: 'The years whose official holiday arrangement is loaded; deadlines in other years are provisional' })
  holidayCalendarYears(): Promise<HolidayCalendarYear[]> {
    return this.deadlines.calendarYears();
  }

  @Allow(Role.ADMIN)
  @Mutation(() => LoadedHolidayCalendarYear, {
    description:
      "Loads or replaces one year's official arrangement and recomputes the deadlines that depend on it, reporting each that moved and each recorded step it makes premature (flagged on the deadline)",
  })
  loadHolidayCalendarYear(@CurrentActor() actor: Actor, @Args('input') input: LoadHolidayCalendarYearInput): Promise<LoadedHolidayCalendarYear> {
    return this.deadlines.loadCalendarYear(actor, input);
  }
}
