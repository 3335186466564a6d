import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type Actor, AuditService, ConflictError, type Connection } from '@app/platform';
import type { UpcomingDeadlinesArgs } from './case.inputs';
import { type CalendarDay, type CaseDeadline, type DeadlinePreview, type HolidayCalendarYear, type LoadedHolidayCalendarYear, MAX_RECOMPUTED_REPORTED, type RecomputedDeadline } from './case.model';
import { Clock } from './clock';
import { DeadlinesRepository, type DeadlineRow, type DependingDeadlineRow, type StoredContradiction, toCaseDeadline } from './deadlines.repository';
import { type CalendarDate, parseCalendarDate, toDayNumber } from './rules/calendar-date';
import { MAX_DEADLINE_EXTENSIONS } from './rules/case-limits';
import { computeDeadline, type Deadline, type DeadlineOptions, type DeadlineRule } from './rules/deadline-rules';
import { countingRuleFor, explainCalendarDay, explainDeadline } from './rules/explanations';
import { type CalendarYearData, HolidayCalendar } from './rules/holiday-calendar';
import { addDays } from './rules/periods';
import { waitsForPeriod } from './rules/stages';

/**
 * The recorded step a closed deadline ending on `due` now contradicts: the transition that closed
 * it, when that transition had to wait for the period to run out (PERIOD_GATES) and is dated on
 * or before `due` (Asia/Shanghai dates). Null when there is none.
 */
function contradictedStep(row: DependingDeadlineRow, due: CalendarDate): StoredContradiction {
  if (!row.closing_transition_id || !row.closing_on || !waitsForPeriod(row.case_type, row.closing_from!, row.closing_to!)) return null;
  if (row.closing_on > due) return null;
  return {
    transitionId: row.closing_transition_id,
    reason: `${row.closing_to} recorded on ${row.closing_on} is premature: ${row.rule} (${row.source}) now runs until ${due}; the earliest date for it was ${addDays(due, 1)}`,
  };
}

/**
 * Computes, stores and lists the legal deadlines of cases, using the holiday calendar loaded in
 * the database (read in the caller's transaction, so every API instance sees an upload at once).
 */
@Injectable()
export class DeadlinesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: DeadlinesRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The holiday calendar as loaded in the database (every year an ADMIN or the CLI loaded). */
  async calendar(manager: EntityManager = this.dataSource.manager): Promise<HolidayCalendar> {
    return new HolidayCalendar(await this.repository.calendarYears(manager));
  }

  /**
   * Computes `rule` from the event on `triggerDate` and stores it as an open deadline of the case;
   * of the party `partyId` when the event is the service on that party (SERVED_ON_EACH_PARTY).
   */
  async open(
    manager: EntityManager,
    caseId: string,
    rule: DeadlineRule,
    triggerDate: string,
    options: DeadlineOptions,
    partyId: string | null = null,
  ): Promise<void> {
    const deadline = computeDeadline(rule, triggerDate, await this.calendar(manager), options);
    await this.repository.insert(manager, caseId, deadline, {
      urgent: options.urgent === true,
      days: options.days ?? null,
      procedure: options.procedure ?? null,
      partyId,
    });
  }

  /**
   * The case's open deadline of `rule` that runs for every party (locked until the transaction
   * ends), as stored; undefined when the case has none open (not at the stage that runs it).
   */
  current(manager: EntityManager, caseId: string, rule: DeadlineRule): Promise<DeadlineRow | undefined> {
    return this.repository.openOfRule(manager, caseId, rule);
  }

  /**
   * CONFLICT (with `limit`) when the case's deadlines were already extended
   * MAX_DEADLINE_EXTENSIONS times: no further extension can be granted, so none can be applied for.
   */
  async assertExtensible(manager: EntityManager, caseId: string): Promise<void> {
    if ((await this.repository.extensionCount(manager, caseId)) >= MAX_DEADLINE_EXTENSIONS) {
      throw new ConflictError(`A case's deadlines are extended at most ${MAX_DEADLINE_EXTENSIONS} times`, { limit: MAX_DEADLINE_EXTENSIONS });
    }
  }

  /**
   * The court extends the open deadline `current` so that its period runs to `until` (Asia/Shanghai
   * date after `current.due`): a new deadline of the same rule, counted in days from `current.due`
   * by the rule's `extension` (computeDeadline with `extension: true`, moved off rest days like
   * any other; a DeadlineRuleError when the rule is not extendable), replaces it; `current` is
   * closed on `on`, the day of the grant. CONFLICT when the case already had MAX_DEADLINE_EXTENSIONS
   * extensions. Returns the new deadline's id and computed end.
   */
  async extend(manager: EntityManager, current: DeadlineRow, until: CalendarDate, on: CalendarDate): Promise<{ id: string; deadline: Deadline }> {
    await this.assertExtensible(manager, current.case_id);
    const days = toDayNumber(until) - toDayNumber(current.due);
    const deadline = computeDeadline(current.rule, current.due, await this.calendar(manager), { days, extension: true });
    await this.repository.close(manager, current.case_id, current.id, on);
    const id = await this.repository.insert(manager, current.case_id, deadline, {
      urgent: false,
      days,
      procedure: null,
      partyId: null,
      extendsDeadlineId: current.id,
    });
    return { id, deadline };
  }

  async upcoming(actor: Actor, args: UpcomingDeadlinesArgs): Promise<Connection<CaseDeadline>> {
    const today = this.clock.today();
    const [page, calendar] = await Promise.all([this.repository.upcoming(actor, args, today), this.calendar()]);
    return {
      ...page,
      nodes: page.nodes.map((row) => toCaseDeadline(row, today, calendar)),
      edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: toCaseDeadline(edge.node, today, calendar) })),
    };
  }

  /**
   * The deadline `rule` would give from an event on `from` (Asia/Shanghai calendar date, not
   * counted) with the loaded calendar, exactly as a case would store it; touches nothing.
   * DeadlineRuleError for options the rule does not allow.
   */
  async preview(rule: DeadlineRule, from: string, options: DeadlineOptions): Promise<DeadlinePreview> {
    const calendar = await this.calendar();
    const deadline = computeDeadline(rule, from, calendar, options);
    return {
      ...deadline,
      urgent: options.urgent === true,
      countingRule: countingRuleFor(deadline.period.unit),
      provisionalReason: deadline.provisionalReason ?? null,
      explanation: explainDeadline(deadline, calendar),
    };
  }

  /** Whether `date` (Asia/Shanghai calendar date) is a rest day by the loaded calendar, and why. */
  async calendarDay(date: string): Promise<CalendarDay> {
    const day = explainCalendarDay(parseCalendarDate(date), await this.calendar());
    return {
      ...day,
      holiday: day.holiday ? [...day.holiday] : null,
      arrangement: day.arrangement ?? null,
      provisionalReason: day.provisionalReason ?? null,
    };
  }

  async calendarYears(): Promise<HolidayCalendarYear[]> {
    return (await this.repository.calendarYears()).map((y) => ({
      year: y.year,
      notice: y.notice,
      holidays: y.holidays.map((period) => [...period]),
      workdays: [...y.workdays],
      loadedAt: y.loadedAt,
    }));
  }

  /**
   * Loads or replaces one year's official arrangement, `data` of the shape of one entry of
   * cn-public-holidays.json (validated on its own and against the neighbouring years: a
   * HolidayCalendarError names the field), then recomputes every deadline whose end may depend
   * on that year, so provisional deadlines become final. A closed deadline whose new last day is
   * on or after the step that closed it flags that step as premature (a later load that makes it
   * timely clears the flag). Audits on each case every deadline whose last day moved or whose flag
   * changed, and returns the first MAX_RECOMPUTED_REPORTED of them with their count; one transaction, the load itself audited with the year and
   * notice. `actor` is null when the CLI loads it.
   */
  loadCalendarYear(actor: Actor | null, data: CalendarYearData): Promise<LoadedHolidayCalendarYear> {
    return this.dataSource.transaction(async (manager) => {
      await this.repository.lockCalendar(manager);
      const loaded = await this.repository.calendarYears(manager);
      const others = loaded.filter((y) => y.year !== data.year);
      const calendar = new HolidayCalendar([...others, data]);
      const stored = await this.repository.upsertCalendarYear(manager, calendar.yearData(data.year)!, actor?.userId ?? null);

      const affected = await this.repository.dependingOnYear(manager, data.year);
      const recomputed: RecomputedDeadline[] = [];
      let changed = 0;
      let reportedCount = 0;
      for (const row of affected) {
        const deadline = computeDeadline(row.rule, row.trigger_date, calendar, {
          urgent: row.urgent,
          days: row.court_set_days,
          procedure: row.procedure,
          extension: row.extends_deadline_id !== null,
        });
        const contradiction = contradictedStep(row, deadline.due);
        const reported = deadline.due !== row.due || (contradiction?.reason ?? null) !== row.contradiction;
        // The reason alone can change too (a 2027 date stays provisional for 2028 once 2027 is loaded).
        if (reported || deadline.provisional !== row.provisional || (deadline.provisionalReason ?? null) !== row.provisional_reason) {
          await this.repository.updateComputed(manager, row.id, deadline, contradiction);
          changed++;
        }
        if (!reported) continue;
        const entry: RecomputedDeadline = {
          deadlineId: row.id,
          caseId: row.case_id,
          partyId: row.party_id,
          rule: row.rule,
          previousDue: row.due,
          due: deadline.due,
          provisional: deadline.provisional,
          contradiction: contradiction?.reason ?? null,
        };
        if (recomputed.length < MAX_RECOMPUTED_REPORTED) recomputed.push(entry);
        reportedCount++;
        await this.audit.record(manager, actor, {
          action: 'case.deadline-recomputed',
          subjectType: 'CaseDeadline',
          subjectId: row.id,
          caseId: row.case_id,
          details: { year: data.year, ...entry, contradictedTransitionId: contradiction?.transitionId ?? null },
        });
      }
      await this.audit.record(manager, actor, {
        action: 'holiday-calendar.load-year',
        subjectType: 'HolidayCalendarYear',
        subjectId: String(data.year),
        details: {
          year: data.year,
          notice: stored.notice,
          replaced: others.length < loaded.length,
          deadlinesRecomputed: changed,
          deadlinesReported: reportedCount,
        },
      });
      return { ...stored, recomputed, recomputedCount: reportedCount };
    });
  }
}
