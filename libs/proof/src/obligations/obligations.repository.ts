import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type Actor, returningRows, SqlParams, visibleEvidence } from '@app/platform';
import { type Bearer, BURDEN_RULES, type BurdenParty, type BurdenRule, type GeneratedObligation } from '../rules/burden-rules';
import type { ObligationStatus } from '../rules/obligation-status';

/**
 * The last day of the case's evidence period: its latest EVIDENCE_PERIOD deadline (cases library),
 * which is the court's latest extension once it extended the period (SPC evidence provisions
 * (2019) art. 54). `first`: the period as the court first set it (the latest that extends none).
 */
const EVIDENCE_DUE = (caseColumn: string, first = false) =>
  `(SELECT d.due FROM case_deadline d WHERE d.case_id = ${caseColumn} AND d.rule = 'EVIDENCE_PERIOD'${first ? ' AND d.extends_deadline_id IS NULL' : ''}
     ORDER BY d.created_at DESC, d.id DESC LIMIT 1)`;

/** An art. 95 flag as read with its obligation (timestamps as JSON text). */
export interface AdverseInferenceRow {
  id: string;
  party_id: string;
  party_name: string | null;
  evidence: string;
  reasons: string;
  flagged_at: string;
  withdrawn_at: string | null;
  withdrawal_reasons: string | null;
}

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
  adverse_inferences: AdverseInferenceRow[];
  deadline: string | null;
  first_deadline: string | null;
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
      `SELECT o.*, ${EVIDENCE_DUE('o.case_id')}::text AS deadline, ${EVIDENCE_DUE('o.case_id', true)}::text AS first_deadline,
              (SELECT coalesce(json_agg(json_build_object('id', a.id, 'party_id', a.party_id,
                        'party_name', coalesce(ap.name, (SELECT og.name FROM organisation og WHERE og.id = ap.organisation_id)),
                        'evidence', a.evidence, 'reasons', a.reasons, 'flagged_at', a.flagged_at, 'withdrawn_at', a.withdrawn_at,
                        'withdrawal_reasons', a.withdrawal_reasons) ORDER BY a.flagged_at, a.id), '[]')
                 FROM adverse_inference a JOIN case_party ap ON ap.case_id = a.case_id AND ap.id = a.party_id
                WHERE a.obligation_id = o.id) AS adverse_inferences,
              (SELECT coalesce(array_agg(ev.id ORDER BY ev.ledger_index), '{}') FROM evidence_obligation eo JOIN evidence_item ev ON ev.id = eo.evidence_id
                WHERE eo.obligation_id = o.id AND ${visibleEvidence(actor, 'ev', p)}) AS evidence_ids
         FROM obligation o
        WHERE o.case_id = ${p.add(caseId)}
        ORDER BY array_position(${p.add(order)}::text[], o.rule), o.party_id NULLS FIRST, o.id`,
      p.values,
    );
  }

  /** The obligation's case, locking the row for a ruling. */
  /** Obligation `id`'s bearer and party (null for the plaintiff side's case-wide rows). */
  async bearerOf(manager: EntityManager, id: string): Promise<{ bearer: Bearer; party_id: string | null }> {
    const [row] = await manager.query(`SELECT bearer, party_id FROM obligation WHERE id = $1`, [id]);
    return row;
  }

  async lockedCase(manager: EntityManager, id: string): Promise<string | undefined> {
    const [row] = await manager.query(`SELECT case_id FROM obligation WHERE id = $1 FOR UPDATE`, [id]);
    return row?.case_id;
  }

  async rule(manager: EntityManager, id: string, status: ObligationStatus, reasons: string, judge: string): Promise<void> {
    await manager.query(`UPDATE obligation SET status = $2, ruling_reasons = $3, ruled_by = $4, ruled_at = now() WHERE id = $1`, [id, status, reasons, judge]);
  }

  /** How many art. 95 flags the obligation holds, withdrawn ones included. */
  async adverseCount(manager: EntityManager, id: string): Promise<number> {
    const [{ count }] = await manager.query(`SELECT count(*)::int AS count FROM adverse_inference WHERE obligation_id = $1`, [id]);
    return count;
  }

  /** Adds an art. 95 flag; false when a standing one for the same party and evidence exists (adverse_inference_standing_key). */
  async flagAdverse(manager: EntityManager, caseId: string, id: string, flag: { partyId: string; evidence: string; reasons: string }, judge: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO adverse_inference (case_id, obligation_id, party_id, evidence, reasons, flagged_by) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING RETURNING id`,
      [caseId, id, flag.partyId, flag.evidence, flag.reasons, judge],
    );
    return rows.length > 0;
  }

  /** The obligation of an art. 95 flag, locking the obligation row (as lockedCase) and the flag: its case and whether it still stands. */
  async lockedFlag(manager: EntityManager, flagId: string): Promise<{ obligation_id: string; case_id: string; standing: boolean } | undefined> {
    const [row] = await manager.query(
      `SELECT a.obligation_id, o.case_id, a.withdrawn_at IS NULL AS standing FROM adverse_inference a JOIN obligation o ON o.id = a.obligation_id
        WHERE a.id = $1 FOR UPDATE`,
      [flagId],
    );
    return row;
  }

  async withdrawAdverse(manager: EntityManager, flagId: string, reasons: string, judge: string): Promise<void> {
    await manager.query(`UPDATE adverse_inference SET withdrawn_at = now(), withdrawn_by = $3, withdrawal_reasons = $2 WHERE id = $1`, [flagId, reasons, judge]);
  }

  /**
   * Sets back to OPEN the obligations of the case that the obligation-failure job recorded FAILED
   * (and the court has not ruled on since), because the court extended the evidence period they
   * failed by; returns their ids. See ObligationsService.periodExtended for why.
   */
  async reopenRecordedFailures(manager: EntityManager, caseId: string): Promise<string[]> {
    const rows = await returningRows<{ id: string }>(
      manager,
      `UPDATE obligation SET status = 'OPEN', failure_recorded_at = NULL
        WHERE case_id = $1 AND status = 'FAILED' AND failure_recorded_at IS NOT NULL AND (ruled_at IS NULL OR ruled_at < failure_recorded_at)
        RETURNING id`,
      [caseId],
    );
    return rows.map((r) => r.id);
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
