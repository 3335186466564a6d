import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type Actor, SqlParams, visibleEvidence } from '@app/platform';
import { BURDEN_RULES, type BurdenParty, type BurdenRule, type GeneratedObligation } from '../rules/burden-rules';
import type { ObligationStatus } from '../rules/obligation-status';

/** The last day of the case's evidence period: its latest EVIDENCE_PERIOD deadline (cases library). */
const EVIDENCE_DUE = (caseColumn: string) =>
  `(SELECT d.due FROM case_deadline d WHERE d.case_id = ${caseColumn} AND d.rule = 'EVIDENCE_PERIOD' ORDER BY d.created_at DESC, d.id DESC LIMIT 1)`;

/** An obligation as read for a caller: with the evidence period's last day and the evidence it may see. */
export interface ObligationRow {
  id: string;
  case_id: string;
  rule: BurdenRule;
  bearer: string;
  party_id: string | null;
  element: string;
  legal_basis: string;
  typical_evidence: string;
  consequence: string;
  status: ObligationStatus;
  failure_recorded_at: Date | null;
  ruling_reasons: string | null;
  ruled_at: Date | null;
  adverse_inference_party_id: string | null;
  adverse_inference_reasons: string | null;
  adverse_inference_at: Date | null;
  adverse_party_name: string | null;
  deadline: string | null;
  evidence_ids: string[];
}

/** The SQL of obligations. */
@Injectable()
export class ObligationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The parties of a case as the rule table reads them. */
  async parties(manager: EntityManager, caseId: string): Promise<BurdenParty[]> {
    const rows: { id: string; role: BurdenParty['role']; liability_basis: BurdenParty['liabilityBasis'] }[] = await manager.query(
      `SELECT id, role, liability_basis FROM case_party WHERE case_id = $1 ORDER BY position`,
      [caseId],
    );
    return rows.map((r) => ({ id: r.id, role: r.role, liabilityBasis: r.liability_basis }));
  }

  /** Inserts the obligations not yet there (one per rule and party); returns how many were new. */
  async insertMissing(manager: EntityManager, caseId: string, obligations: readonly GeneratedObligation[]): Promise<number> {
    if (!obligations.length) return 0;
    const defs = obligations.map((o) => BURDEN_RULES[o.rule]);
    const rows: unknown[] = await manager.query(
      `INSERT INTO obligation (case_id, rule, party_id, bearer, element, legal_basis, typical_evidence, consequence)
       SELECT $1, * FROM unnest($2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        caseId,
        obligations.map((o) => o.rule),
        obligations.map((o) => o.partyId),
        defs.map((d) => d.bearer),
        defs.map((d) => d.element),
        defs.map((d) => d.legalBasis),
        defs.map((d) => d.typicalEvidence),
        defs.map((d) => d.consequence),
      ],
    );
    return rows.length;
  }

  /**
   * The case's obligations with the evidence period's last day and the evidence items addressing
   * each that `actor` may see (visibleEvidence, in log order), in rule-table order.
   */
  async forCase(actor: Actor, caseId: string, order: readonly BurdenRule[], manager: EntityManager = this.dataSource.manager): Promise<ObligationRow[]> {
    const p = new SqlParams();
    return manager.query(
      `SELECT o.*, ${EVIDENCE_DUE('o.case_id')}::text AS deadline, coalesce(ap.name, (SELECT og.name FROM organisation og WHERE og.id = ap.organisation_id)) AS adverse_party_name,
              (SELECT coalesce(array_agg(ev.id ORDER BY ev.ledger_index), '{}') FROM evidence_obligation eo JOIN evidence_item ev ON ev.id = eo.evidence_id
                WHERE eo.obligation_id = o.id AND ${visibleEvidence(actor, 'ev', p)}) AS evidence_ids
         FROM obligation o
         LEFT JOIN case_party ap ON ap.case_id = o.case_id AND ap.id = o.adverse_inference_party_id
        WHERE o.case_id = ${p.add(caseId)}
        ORDER BY array_position(${p.add(order)}::text[], o.rule), o.party_id NULLS FIRST, o.id`,
      p.values,
    );
  }

  /** The obligation's case, locking the row for a ruling. */
  async lockedCase(manager: EntityManager, id: string): Promise<string | undefined> {
    const [row] = await manager.query(`SELECT case_id FROM obligation WHERE id = $1 FOR UPDATE`, [id]);
    return row?.case_id;
  }

  async rule(manager: EntityManager, id: string, status: ObligationStatus, reasons: string, judge: string): Promise<void> {
    await manager.query(`UPDATE obligation SET status = $2, ruling_reasons = $3, ruled_by = $4, ruled_at = now() WHERE id = $1`, [id, status, reasons, judge]);
  }

  async flagAdverse(manager: EntityManager, id: string, partyId: string, reasons: string): Promise<void> {
    await manager.query(
      `UPDATE obligation SET adverse_inference_party_id = $2, adverse_inference_reasons = $3, adverse_inference_at = now() WHERE id = $1`,
      [id, partyId, reasons],
    );
  }

  /**
   * Records FAILED on every OPEN obligation whose case's evidence period ended before `today`
   * (obligation-status.ts `effectiveStatus` in SQL), set-based; returns the obligations
   * recorded, per case.
   */
  recordFailures(manager: EntityManager, today: string): Promise<{ case_id: string; failed: number }[]> {
    return manager.query(
      `WITH failed AS (
         UPDATE obligation o SET status = 'FAILED', failure_recorded_at = now()
          WHERE o.status = 'OPEN' AND ${EVIDENCE_DUE('o.case_id')} < $1::date
          RETURNING o.case_id
       ) SELECT case_id, count(*)::int AS failed FROM failed GROUP BY case_id`,
      [today],
    );
  }
}
