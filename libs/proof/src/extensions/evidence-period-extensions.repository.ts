import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type Actor, type Connection, type CursorList, decodeCursor, mapConnection, SqlParams, toConnection, visibleExtensionApplication } from '@app/platform';
import type { ExtensionStatus } from '../rules/evidence-period-extension';
import type { EvidencePeriodExtension } from './evidence-period-extension.model';

const APPLICATIONS: CursorList = { name: 'EvidencePeriodExtension(created,id)', arity: 2 };

const COLUMNS = `x.id, x.case_id, x.party_id, x.applied_on::text AS applied_on, x.period_ends::text AS period_ends,
  x.requested_end::text AS requested_end, x.reasons, x.status, x.ruled_on::text AS ruled_on, x.ruling_reasons,
  x.extended_deadline_id, (SELECT d.due::text FROM case_deadline d WHERE d.case_id = x.case_id AND d.id = x.extended_deadline_id) AS extended_to,
  x.created_at::text AS created_key`;

interface ApplicationRow {
  id: string;
  case_id: string;
  party_id: string;
  applied_on: string;
  period_ends: string;
  requested_end: string | null;
  reasons: string;
  status: ExtensionStatus;
  ruled_on: string | null;
  ruling_reasons: string | null;
  extended_deadline_id: string | null;
  extended_to: string | null;
  created_key: string;
}

/** A new application, as the service checked it. */
export interface NewApplication {
  caseId: string;
  partyId: string;
  organisationId: string | null;
  appliedBy: string;
  appliedOn: string;
  deadlineId: string;
  periodEnds: string;
  requestedEnd: string | null;
  reasons: string;
}

const toModel = (r: ApplicationRow): EvidencePeriodExtension => ({
  id: r.id,
  caseId: r.case_id,
  partyId: r.party_id,
  appliedOn: r.applied_on,
  periodEnds: r.period_ends,
  requestedEnd: r.requested_end,
  reasons: r.reasons,
  status: r.status,
  ruledOn: r.ruled_on,
  rulingReasons: r.ruling_reasons,
  extendedTo: r.extended_to,
  extendedDeadlineId: r.extended_deadline_id,
});

/** The SQL of applications to extend the evidence period. */
@Injectable()
export class EvidencePeriodExtensionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, a: NewApplication): Promise<string> {
    const [row] = await manager.query(
      `INSERT INTO evidence_period_extension (case_id, party_id, organisation_id, applied_by, applied_on, deadline_id, period_ends, requested_end, reasons)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [a.caseId, a.partyId, a.organisationId, a.appliedBy, a.appliedOn, a.deadlineId, a.periodEnds, a.requestedEnd, a.reasons],
    );
    return row.id;
  }

  /** The application's case and status, the row locked for a ruling. */
  async locked(manager: EntityManager, id: string): Promise<{ case_id: string; status: ExtensionStatus } | undefined> {
    const [row] = await manager.query(`SELECT case_id, status FROM evidence_period_extension WHERE id = $1 FOR UPDATE`, [id]);
    return row;
  }

  async rule(
    manager: EntityManager,
    id: string,
    ruling: { status: ExtensionStatus; on: string; reasons: string; judge: string; extendedDeadlineId: string | null },
  ): Promise<void> {
    await manager.query(
      `UPDATE evidence_period_extension SET status = $2, ruled_on = $3, ruling_reasons = $4, ruled_by = $5, extended_deadline_id = $6 WHERE id = $1`,
      [id, ruling.status, ruling.on, ruling.reasons, ruling.judge, ruling.extendedDeadlineId],
    );
  }

  /** One application as `actor` may see it (visibleExtensionApplication), or undefined. */
  async findVisible(actor: Actor, id: string, manager: EntityManager = this.dataSource.manager): Promise<EvidencePeriodExtension | undefined> {
    const p = new SqlParams();
    const [row] = await manager.query(
      `SELECT ${COLUMNS} FROM evidence_period_extension x WHERE x.id = ${p.add(id)} AND ${visibleExtensionApplication(actor, 'x', p)}`,
      p.values,
    );
    return row && toModel(row);
  }

  /** The case's applications `actor` may see, in the order made, keyset-paginated on (created_at, id). */
  async list(actor: Actor, caseId: string, first: number, after?: string): Promise<Connection<EvidencePeriodExtension>> {
    const p = new SqlParams();
    const where = [`x.case_id = ${p.add(caseId)}`, visibleExtensionApplication(actor, 'x', p)];
    const counted = this.dataSource.query(`SELECT count(*)::int AS count FROM evidence_period_extension x WHERE ${where.join(' AND ')}`, [...p.values]);
    if (after) {
      const [created, id] = decodeCursor(APPLICATIONS, after);
      where.push(`(x.created_at, x.id) > (${p.add(created)}::timestamptz, ${p.add(id)}::uuid)`);
    }
    const rows: ApplicationRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM evidence_period_extension x WHERE ${where.join(' AND ')} ORDER BY x.created_at, x.id LIMIT ${p.add(first + 1)}`,
      p.values,
    );
    const [{ count }] = await counted;
    return mapConnection(toConnection(APPLICATIONS, rows, first, count, (r) => [r.created_key, r.id]), toModel);
  }
}
