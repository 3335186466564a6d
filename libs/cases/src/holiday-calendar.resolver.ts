import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { type Actor, Allow, ANY_ROLE, CurrentActor, MaxItems, Role } from '@app/platform';
import { CalendarDayArgs, LoadHolidayCalendarYearInput, PreviewDeadlineArgs } from './case.inputs';
import { CalendarDay, DeadlinePreview, HolidayCalendarYear, LoadedHolidayCalendarYear } from './case.model';
import { DeadlinesService } from './deadlines.service';
import { CALENDAR_YEARS } from './rules/holiday-calendar';

/** The holiday calendar, and the deadline rules asked about outside any case. */
@Resolver(() => HolidayCalendarYear)
export class HolidayCalendarResolver {
  constructor(private readonly deadlines: DeadlinesService) {}

  @Allow(...ANY_ROLE)
  @Query(() => DeadlinePreview, {
    description: 'The deadline a rule gives from an event date, computed as a case would get it (same rules, loaded calendar); stores nothing',
  })
  previewDeadline(@Args() args: PreviewDeadlineArgs): Promise<DeadlinePreview> {
    return this.deadlines.preview(args.rule, args.from, args.options ?? {});
  }

  @Allow(...ANY_ROLE)
  @Query(() => CalendarDay, { description: 'Whether a date is a legal rest day and why; provisional where its arrangement is not loaded' })
  calendarDay(@Args() args: CalendarDayArgs): Promise<CalendarDay> {
    return this.deadlines.calendarDay(args.date);
  }

  @Allow(...ANY_ROLE)
  @Query(() => [HolidayCalendarYear], {
    description: `The years whose official holiday arrangement is loaded (${CALENDAR_YEARS.first} to ${CALENDAR_YEARS.last}); deadlines in other years are provisional`,
  })
  @MaxItems(CALENDAR_YEARS.last - CALENDAR_YEARS.first + 1)
  holidayCalendarYears(): Promise<HolidayCalendarYear[]> {
    return this.deadlines.calendarYears();
  }

  @Allow(Role.ADMIN)
  @Mutation(() => LoadedHolidayCalendarYear, {
    description:
      "Loads or replaces one year's official arrangement and recomputes the deadlines that depend on it, reporting each that moved and each recorded step it makes premature (flagged on the deadline)",
  })
  loadHolidayCalendarYear(@CurrentActor() actor: Actor, @Args('input') input: LoadHolidayCalendarYearInput): Promise<LoadedHolidayCalendarYear> {
    return this.deadlines.loadCalendarYear(actor, {
      year: input.year,
      notice: input.notice,
      holidays: input.holidays.map((h) => [h.first, h.last] as const),
      workdays: input.workdays,
    });
  }
}
