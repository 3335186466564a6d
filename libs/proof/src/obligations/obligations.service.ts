import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type Actor, AuditService, ConflictError, InputError, NotFoundError } from '@app/platform';
import { CasesService, Clock } from '@app/cases';
import { EvidenceRepository } from '../evidence/evidence.repository';
import { BurdenRule, obligationsFor } from '../rules/burden-rules';
import { effectiveStatus, ObligationStatus, reopeningRefusal, whatFollows } from '../rules/obligation-status';
import type { BurdenOfProof, FlagAdverseInferenceInput, Obligation, RuleOnObligationInput } from './obligation.model';
import { type ObligationRow, ObligationsRepository } from './obligations.repository';

const RULE_ORDER = Object.values(BurdenRule);

/**
 * The burden of proof of a case: obligations generated from the rule table (burden-rules.ts) for
 * the case's type and each defendant's liability basis, the court's rulings and adverse-inference
 * flags, and the summary per element. Deadlines come from the case's EVIDENCE_PERIOD deadline
 * (computed by the cases library); the status is judged against the Clock at every read.
 */
@Injectable()
export class ObligationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: ObligationsRepository,
    private readonly evidence: EvidenceRepository,
    private readonly cases: CasesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The summary per element (NOT_FOUND for a case the caller cannot see). */
  async burdenOfProof(actor: Actor, caseId: string): Promise<BurdenOfProof> {
    await this.cases.get(actor, caseId);
    const today = this.clock.today();
    const rows = await this.repository.forCase(actor, caseId, RULE_ORDER);
    const due = rows[0]?.deadline ?? (await this.evidenceDue(caseId));
    return { caseId, evidencePeriodEnds: due, elements: rows.map((row) => toObligation(row, today)) };
  }

  private async evidenceDue(caseId: string): Promise<string | null> {
    const [row] = await this.dataSource.query(
      `SELECT due::text FROM case_deadline WHERE case_id = $1 AND rule = 'EVIDENCE_PERIOD' ORDER BY created_at DESC, id DESC LIMIT 1`,
      [caseId],
    );
    return row?.due ?? null;
  }

  /**
   * Adds the obligations the rule table gives the case and not yet there (after a defendant was
   * added, say); idempotent, audited with the number added. Any role that sees the case.
   */
  async generate(actor: Actor, caseId: string): Promise<BurdenOfProof> {
    const found = await this.cases.get(actor, caseId);
    await this.dataSource.transaction(async (manager) => {
      const generated = obligationsFor(found.type, await this.repository.parties(manager, caseId));
      const added = await this.repository.insertMissing(manager, caseId, generated);
      await this.audit.record(manager, actor, { action: 'obligations.generate', subjectType: 'Case', subjectId: caseId, caseId, details: { added } });
    });
    return this.burdenOfProof(actor, caseId);
  }

  /**
   * The court rules on an obligation, with reasons (audited). NOT_FOUND unless the caller is the
   * court of its case; CONFLICT for OPEN after the evidence period ended (`reopeningRefusal`).
   */
  rule(actor: Actor, input: RuleOnObligationInput): Promise<Obligation> {
    return this.courtAct(actor, input.obligationId, 'obligation.rule', { status: input.status }, async (manager, caseId) => {
      const refusal = input.status === ObligationStatus.OPEN ? reopeningRefusal(await this.evidenceDue(caseId), this.clock.today()) : null;
      if (refusal) throw new ConflictError(`status: ${refusal}`, { field: 'status' });
      await this.repository.rule(manager, input.obligationId, input.status, input.reasons, actor.userId);
    });
  }

  /**
   * The court flags that a party holding evidence on an obligation refuses to produce it without
   * good reason (SPC evidence provisions (2019) art. 95), with reasons (audited).
   */
  flagAdverseInference(actor: Actor, input: FlagAdverseInferenceInput): Promise<Obligation> {
    return this.courtAct(actor, input.obligationId, 'obligation.adverse-inference', { partyId: input.partyId }, async (manager, caseId) => {
      const parties = await this.evidence.parties(caseId, manager);
      if (!parties.some((p) => p.id === input.partyId)) throw new InputError('partyId', 'is not a party of the case');
      await this.repository.flagAdverse(manager, input.obligationId, input.partyId, input.reasons);
    });
  }

  /**
   * One act of the court on obligation `id`, in a transaction with the obligation locked: NOT_FOUND
   * unless the caller sees its case; `work` changes it; audited as `action` with `details`.
   * Returns the obligation as it then stands.
   */
  private async courtAct(
    actor: Actor,
    id: string,
    action: string,
    details: Record<string, unknown>,
    work: (manager: EntityManager, caseId: string) => Promise<void>,
  ): Promise<Obligation> {
    const caseId = await this.dataSource.transaction(async (manager) => {
      const caseId = await this.repository.lockedCase(manager, id);
      if (!caseId || !(await this.cases.get(actor, caseId).then(() => true, () => false))) throw new NotFoundError('Obligation', id);
      await work(manager, caseId);
      await this.audit.record(manager, actor, { action, subjectType: 'Obligation', subjectId: id, caseId, details });
      return caseId;
    });
    return this.one(actor, caseId, id);
  }

  private async one(actor: Actor, caseId: string, id: string): Promise<Obligation> {
    const rows = await this.repository.forCase(actor, caseId, RULE_ORDER);
    return toObligation(rows.find((r) => r.id === id)!, this.clock.today());
  }

  /** Records FAILED on the obligations whose evidence period has ended (the job); audited per case. */
  recordFailures(): Promise<{ cases: number; failed: number }> {
    return this.dataSource.transaction(async (manager) => {
      const perCase = await this.repository.recordFailures(manager, this.clock.today());
      for (const { case_id, failed } of perCase) {
        await this.audit.record(manager, null, { action: 'obligations.record-failures', subjectType: 'Case', subjectId: case_id, caseId: case_id, details: { failed } });
      }
      return { cases: perCase.length, failed: perCase.reduce((sum, c) => sum + c.failed, 0) };
    });
  }
}

function toObligation(row: ObligationRow, today: string): Obligation {
  const status = effectiveStatus(row.status, row.deadline, today);
  return {
    id: row.id,
    caseId: row.case_id,
    rule: row.rule,
    bearer: row.bearer as Obligation['bearer'],
    partyId: row.party_id,
    element: row.element,
    legalBasis: row.legal_basis,
    typicalEvidence: row.typical_evidence,
    consequence: row.consequence,
    deadline: row.deadline,
    status,
    recordedStatus: row.status,
    failureRecordedAt: row.failure_recorded_at,
    rulingReasons: row.ruling_reasons,
    ruledAt: row.ruled_at,
    adverseInference: row.adverse_inference_party_id
      ? { partyId: row.adverse_inference_party_id, reasons: row.adverse_inference_reasons!, flaggedAt: row.adverse_inference_at! }
      : null,
    evidenceIds: row.evidence_ids,
    evidenceCount: row.evidence_ids.length,
    whatFollows: whatFollows(status, row.consequence, row.deadline, row.adverse_inference_party_id ? { partyName: row.adverse_party_name ?? 'A party' } : null),
  };
}
