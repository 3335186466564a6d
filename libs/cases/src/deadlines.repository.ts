import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type Actor, type Connection, countStatement, type CursorList, decodeCursor, SqlParams as Params, toConnection, visibleCase } from '@app/platform';
import { overdueDeadlineSql } from './cases.repository';
import type { CaseDeadline, HolidayCalendarYear } from './case.model';
import type { CaseStage, CaseType } from './rules/case-types';
import type { CalendarYearData, HolidayCalendar } from './rules/holiday-calendar';
import { DEADLINE_RULES, type Deadline, type DeadlineRule, isOverdue } from './rules/deadline-rules';
import { countingRuleFor, explainDeadline } from './rules/explanations';

const DEADLINES: CursorList = { name: 'Deadline(due,id)', arity: 2 };

const DEADLINE_COLUMNS = `d.id, d.case_id, d.rule, d.source, d.trigger_date::text AS trigger_date, d.urgent, d.court_set_days,
  d.procedure, d.period_unit, d.period_length, d.nominal_due::text AS nominal_due, d.due::text AS due, d.provisional,
  d.provisional_reason, d.closed_on::text AS closed_on, d.party_id, d.contradicted_transition_id, d.contradiction, d.contradicted_at,
  d.extends_deadline_id`;

export interface DeadlineRow {
  id: string;
  case_id: string;
  rule: DeadlineRule;
  source: string;
  trigger_date: string;
  urgent: boolean;
  court_set_days: number | null;
  procedure: 'ORDINARY' | 'SIMPLIFIED' | null;
  period_unit: 'DAYS' | 'MONTHS';
  period_length: number;
  nominal_due: string;
  due: string;
  provisional: boolean;
  provisional_reason: string | null;
  closed_on: string | null;
  party_id: string | null;
  contradicted_transition_id: string | null;
  contradiction: string | null;
  contradicted_at: Date | null;
  /** The deadline this one extends (SPC evidence provisions (2019) art. 54), if it is an extension. */
  extends_deadline_id: string | null;
}

/** A deadline that may depend on a year, with the transition that closed it (a closed one's). */
export interface DependingDeadlineRow extends DeadlineRow {
  case_type: CaseType;
  closing_transition_id: string | null;
  closing_from: CaseStage | null;
  closing_to: CaseStage | null;
  closing_on: string | null;
}

/** A step the recomputed deadline contradicts, as stored; null clears the flag. */
export type StoredContradiction = { transitionId: string; reason: string } | null;

/**
 * A stored deadline as the API shows it; `overdue` is judged against `today`, the explanation's
 * days against `calendar` (the loaded one: the same the deadline is computed and recomputed with).
 */
export function toCaseDeadline(row: DeadlineRow, today: string, calendar: HolidayCalendar): CaseDeadline {
  const period = { unit: row.period_unit, length: row.period_length };
  return {
    id: row.id,
    caseId: row.case_id,
    rule: row.rule,
    source: row.source,
    countingRule: countingRuleFor(row.period_unit),
    triggerDate: row.trigger_date,
    partyId: row.party_id,
    period,
    urgent: row.urgent,
    due: row.due,
    nominalDue: row.nominal_due,
    shiftedForRestDays: row.due !== row.nominal_due,
    provisional: row.provisional,
    provisionalReason: row.provisional_reason,
    closedOn: row.closed_on,
    nature: DEADLINE_RULES[row.rule].nature,
    overdue: isOverdue(row.rule, row.due, row.closed_on, today),
    contradiction: row.contradicted_transition_id
      ? { transitionId: row.contradicted_transition_id, reason: row.contradiction!, flaggedAt: row.contradicted_at! }
      : null,
    explanation: explainDeadline({ triggerDate: row.trigger_date, period, nominalDue: row.nominal_due, due: row.due }, calendar),
    extendsDeadlineId: row.extends_deadline_id,
  };
}

/** The SQL of case deadlines and of the holiday calendar they are counted with. */
@Injectable()
export class DeadlinesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stores a computed deadline; returns its id. `extendsDeadlineId`: the deadline it extends, if any. */
  async insert(
    manager: EntityManager,
    caseId: string,
    deadline: Deadline,
    options: { urgent: boolean; days: number | null; procedure: string | null; partyId: string | null; extendsDeadlineId?: string | null },
  ): Promise<string> {
    const [row] = await manager.query(
      `INSERT INTO case_deadline (case_id, rule, trigger_date, urgent, court_set_days, procedure, period_unit, period_length,
         source, nominal_due, due, provisional, provisional_reason, party_id, extends_deadline_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
      [
        caseId, deadline.rule, deadline.triggerDate, options.urgent, options.days, options.procedure, deadline.period.unit,
        deadline.period.length, deadline.source, deadline.nominalDue, deadline.due, deadline.provisional, deadline.provisionalReason ?? null,
        options.partyId, options.extendsDeadlineId ?? null,
      ],
    );
    return row.id;
  }

  /** The case's open deadlines (those of the stage it is in). */
  async open(manager: EntityManager, caseId: string): Promise<DeadlineRow[]> {
    return manager.query(`SELECT ${DEADLINE_COLUMNS} FROM case_deadline d WHERE d.case_id = $1 AND d.closed_on IS NULL`, [caseId]);
  }

  /** The case's open deadline of `rule` that runs for every party (no party_id), locked; undefined when there is none. */
  async openOfRule(manager: EntityManager, caseId: string, rule: DeadlineRule): Promise<DeadlineRow | undefined> {
    const [row] = await manager.query(
      `SELECT ${DEADLINE_COLUMNS} FROM case_deadline d WHERE d.case_id = $1 AND d.rule = $2 AND d.closed_on IS NULL AND d.party_id IS NULL
        ORDER BY d.created_at DESC, d.id DESC LIMIT 1 FOR UPDATE`,
      [caseId, rule],
    );
    return row;
  }

  /** How many of the case's deadlines are extensions of another. */
  async extensionCount(manager: EntityManager, caseId: string): Promise<number> {
    const [{ count }] = await manager.query(`SELECT count(*)::int AS count FROM case_deadline WHERE case_id = $1 AND extends_deadline_id IS NOT NULL`, [caseId]);
    return count;
  }

  /** Closes one deadline on `on` (Asia/Shanghai date). */
  async close(manager: EntityManager, caseId: string, id: string, on: string): Promise<void> {
    await manager.query(`UPDATE case_deadline SET closed_on = $3 WHERE case_id = $1 AND id = $2`, [caseId, id, on]);
  }

  async closeOpen(manager: EntityManager, caseId: string, on: string): Promise<void> {
    await manager.query(`UPDATE case_deadline SET closed_on = $2 WHERE case_id = $1 AND closed_on IS NULL`, [caseId, on]);
  }

  async byCaseIds(caseIds: readonly string[]): Promise<DeadlineRow[]> {
    return this.dataSource.query(
      // Deadlines opened by one event (one per party served) in the order they end.
      `SELECT ${DEADLINE_COLUMNS} FROM case_deadline d WHERE d.case_id = ANY($1::uuid[]) ORDER BY d.case_id, d.created_at, d.due, d.id`,
      [caseIds],
    );
  }

  /** Open deadlines of the cases `actor` may see, soonest first, keyset-paginated on (due, id). */
  async upcoming(
    actor: Actor,
    args: { first: number; after?: string; dueBy?: string; overdueOnly?: boolean },
    today: string,
  ): Promise<Connection<DeadlineRow>> {
    const p = new Params();
    const where = ['d.closed_on IS NULL', visibleCase(actor, 'c', p)];
    if (args.dueBy) where.push(`d.due <= ${p.add(args.dueBy)}::date`);
    if (args.overdueOnly) where.push(overdueDeadlineSql('d', p, today));
    const from = 'case_deadline d JOIN legal_case c ON c.id = d.case_id';
    const count = countStatement(this.dataSource, `SELECT count(*)::int AS count FROM ${from} WHERE ${where.join(' AND ')}`, p.values);
    if (args.after) {
      const [due, id] = decodeCursor(DEADLINES, args.after);
      where.push(`(d.due, d.id) > (${p.add(due)}::date, ${p.add(id)}::uuid)`);
    }
    const rows: DeadlineRow[] = await this.dataSource.query(
      `SELECT ${DEADLINE_COLUMNS} FROM ${from} WHERE ${where.join(' AND ')} ORDER BY d.due, d.id LIMIT ${p.add(args.first + 1)}`,
      p.values,
    );
    return toConnection(DEADLINES, rows, args.first, count, (d) => [d.due, d.id]);
  }

  /**
   * Deadlines whose answer may depend on `year`'s arrangement: those ending in it, in the
   * December before (a notice may arrange it), or shortly before it (a shift can walk into it).
   * A closed one comes with the transition that closed it: the case's first transition recorded
   * after the one that opened it (each transition is one transaction, so `recorded_at` orders them).
   */
  async dependingOnYear(manager: EntityManager, year: number): Promise<DependingDeadlineRow[]> {
    return manager.query(
      `SELECT ${DEADLINE_COLUMNS}, c.case_type, t.id AS closing_transition_id, t.from_stage AS closing_from,
              t.to_stage AS closing_to, t.occurred_on::text AS closing_on
         FROM case_deadline d
         JOIN legal_case c ON c.id = d.case_id
         LEFT JOIN LATERAL (
           SELECT t.id, t.from_stage, t.to_stage, t.occurred_on FROM case_stage_transition t
            WHERE t.case_id = d.case_id AND t.recorded_at > d.created_at ORDER BY t.recorded_at, t.id LIMIT 1
         ) t ON d.closed_on IS NOT NULL
        WHERE d.nominal_due BETWEEN make_date($1, 1, 1) - 45 AND make_date($1, 12, 31)
        ORDER BY d.case_id, d.created_at, d.id
          FOR UPDATE OF d`,
      [year],
    );
  }

  /** Stores a recomputed end and the step it contradicts (kept as first flagged while unchanged). */
  async updateComputed(manager: EntityManager, id: string, deadline: Deadline, contradiction: StoredContradiction): Promise<void> {
    await manager.query(
      `UPDATE case_deadline SET due = $2, provisional = $3, provisional_reason = $4,
              contradiction = $6,
              contradicted_at = CASE WHEN $5::uuid IS NULL THEN NULL
                                     WHEN contradicted_transition_id IS NOT DISTINCT FROM $5::uuid AND contradiction = $6 THEN contradicted_at
                                     ELSE now() END,
              contradicted_transition_id = $5
        WHERE id = $1`,
      [id, deadline.due, deadline.provisional, deadline.provisionalReason ?? null, contradiction?.transitionId ?? null, contradiction?.reason ?? null],
    );
  }

  async calendarYears(manager: EntityManager = this.dataSource.manager): Promise<(CalendarYearData & { loadedAt: Date })[]> {
    const rows = await manager.query(`SELECT year, notice, holidays, workdays, loaded_at FROM holiday_calendar_year ORDER BY year`);
    return rows.map((r: Record<string, any>) => ({ year: r.year, notice: r.notice, holidays: r.holidays, workdays: r.workdays, loadedAt: r.loaded_at }));
  }

  /** `loadedBy` is null when the CLI loads it. */
  async upsertCalendarYear(manager: EntityManager, data: CalendarYearData, loadedBy: string | null): Promise<HolidayCalendarYear> {
    const [row] = await manager.query(
      `INSERT INTO holiday_calendar_year (year, notice, holidays, workdays, loaded_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (year) DO UPDATE SET notice = EXCLUDED.notice, holidays = EXCLUDED.holidays, workdays = EXCLUDED.workdays,
         loaded_by = EXCLUDED.loaded_by, loaded_at = now()
       RETURNING year, notice, holidays, workdays, loaded_at`,
      [data.year, data.notice, JSON.stringify(data.holidays), JSON.stringify(data.workdays), loadedBy],
    );
    return { year: row.year, notice: row.notice, holidays: row.holidays, workdays: row.workdays, loadedAt: row.loaded_at };
  }

  /** Serialises calendar uploads so two ADMINs cannot interleave a replace and a recompute. */
  async lockCalendar(manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('leakcase.holiday_calendar'))`);
  }
}
