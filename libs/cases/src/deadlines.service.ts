import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type Actor, AuditService, type Connection } from '@app/platform';
import type { LoadHolidayCalendarYearInput, UpcomingDeadlinesArgs } from './case.inputs';
import type { CaseDeadline, HolidayCalendarYear } from './case.model';
import { Clock } from './clock';
import { DeadlinesRepository, toCaseDeadline } from './deadlines.repository';
import { computeDeadline, type DeadlineOptions, type DeadlineRule } from './rules/deadline-rules';
import { HolidayCalendar } from './rules/holiday-calendar';

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

  async calendar(manager: EntityManager): Promise<HolidayCalendar> {
    return new HolidayCalendar(await this.repository.calendarYears(manager));
  }

  /** Computes `rule` from the event on `triggerDate` and stores it as an open deadline of the case. */
  async open(manager: EntityManager, caseId: string, rule: DeadlineRule, triggerDate: string, options: DeadlineOptions): Promise<void> {
    const deadline = computeDeadline(rule, triggerDate, await this.calendar(manager), options);
    await this.repository.insert(manager, caseId, deadline, {
      urgent: options.urgent === true,
      days: options.days ?? null,
      procedure: options.procedure ?? null,
    });
  }

  upcoming(actor: Actor, args: UpcomingDeadlinesArgs): Promise<Connection<CaseDeadline>> {
    const today = this.clock.today();
    return this.repository.upcoming(actor, args, today).then((page) => ({
      ...page,
      nodes: page.nodes.map((row) => toCaseDeadline(row, today)),
      edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: toCaseDeadline(edge.node, today) })),
    }));
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
   * Loads or replaces one year's official arrangement (validated on its own and against the
   * neighbouring years), then recomputes every deadline whose end may depend on that year, so
   * provisional deadlines become final. One transaction; audited with the year and notice.
   */
  loadCalendarYear(actor: Actor, input: LoadHolidayCalendarYearInput): Promise<HolidayCalendarYear> {
    const data = {
      year: input.year,
      notice: input.notice,
      holidays: input.holidays.map((h) => [h.first, h.last]),
      workdays: input.workdays,
    };
    return this.dataSource.transaction(async (manager) => {
      await this.repository.lockCalendar(manager);
      const loaded = await this.repository.calendarYears(manager);
      const others = loaded.filter((y) => y.year !== input.year);
      const calendar = new HolidayCalendar([...others, data]);
      const stored = await this.repository.upsertCalendarYear(manager, calendar.yearData(input.year)!, actor.userId);

      const affected = await this.repository.dependingOnYear(manager, input.year);
      let changed = 0;
      for (const row of affected) {
        const deadline = computeDeadline(row.rule, row.trigger_date, calendar, {
          urgent: row.urgent,
          days: row.court_set_days,
          procedure: row.procedure,
        });
        if (deadline.due !== row.due || deadline.provisional !== row.provisional) {
          await this.repository.updateComputed(manager, row.id, deadline);
          changed++;
        }
      }
      await this.audit.record(manager, actor, {
        action: 'holiday-calendar.load-year',
        subjectType: 'HolidayCalendarYear',
        subjectId: String(input.year),
        details: { year: input.year, notice: input.notice, replaced: others.length < loaded.length, deadlinesRecomputed: changed },
      });
      return stored;
    });
  }
}
