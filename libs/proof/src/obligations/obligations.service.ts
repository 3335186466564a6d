import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type Actor, AuditService, ConflictError, InputError, NotFoundError } from '@app/platform';
import { CasesService, Clock } from '@app/cases';
import { EvidenceRepository } from '../evidence/evidence.repository';
import { adverseInferenceRefusal, type BurdenParty, BurdenRule, obligationsFor } from '../rules/burden-rules';
import { effectiveStatus, ObligationStatus, reopeningRefusal, whatFollows } from '../rules/obligation-status';
import { type BurdenOfProof, type FlagAdverseInferenceInput, MAX_ADVERSE_INFERENCES, type Obligation, type RuleOnObligationInput, type WithdrawAdverseInferenceInput } from './obligation.model';
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
    const period = rows.length ? { due: rows[0].deadline, firstDue: rows[0].first_deadline } : await this.evidencePeriod(caseId);
    return { caseId, evidencePeriodEnds: period.due, evidencePeriodFirstEnds: period.firstDue, elements: rows.map((row) => toObligation(row, today)) };
  }

  /** The case's evidence period: its last day (as extended) and the last day the court first set; nulls until it sets one. */
  private async evidencePeriod(caseId: string, manager: EntityManager = this.dataSource.manager): Promise<{ due: string | null; firstDue: string | null }> {
    const [row] = await manager.query(
      `SELECT (array_agg(due::text ORDER BY created_at DESC, id DESC))[1] AS due,
              (array_agg(due::text ORDER BY created_at DESC, id DESC) FILTER (WHERE extends_deadline_id IS NULL))[1] AS first_due
         FROM case_deadline WHERE case_id = $1 AND rule = 'EVIDENCE_PERIOD'`,
      [caseId],
    );
    return { due: row?.due ?? null, firstDue: row?.first_due ?? null };
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
      const refusal = input.status === ObligationStatus.OPEN ? reopeningRefusal((await this.evidencePeriod(caseId, manager)).due, this.clock.today()) : null;
      if (refusal) throw new ConflictError(`status: ${refusal}`, { field: 'status' });
      await this.repository.rule(manager, input.obligationId, input.status, input.reasons, actor.userId);
    });
  }

  /**
   * The court flags that a party holding evidence on an obligation refuses to produce it without
   * good reason (SPC evidence provisions (2019) art. 95), naming the evidence, with reasons
   * (audited). The article speaks of one party and one piece of evidence, so an obligation may
   * hold several flags: one standing flag per party and evidence (CONFLICT for a second), at most
   * MAX_ADVERSE_INFERENCES in all (CONFLICT beyond).
   */
  flagAdverseInference(actor: Actor, input: FlagAdverseInferenceInput): Promise<Obligation> {
    return this.courtAct(actor, input.obligationId, 'obligation.adverse-inference', { partyId: input.partyId }, async (manager, caseId) => {
      const parties = await this.evidence.parties(caseId, manager);
      const withholding = parties.find((p) => p.id === input.partyId);
      if (!withholding) throw new InputError('partyId', 'is not a party of the case');
      const { bearer, party_id } = await this.repository.bearerOf(manager, input.obligationId);
      const refusal = adverseInferenceRefusal(bearer, party_id, withholding as Pick<BurdenParty, 'id' | 'role'>);
      if (refusal) throw new InputError('partyId', refusal);
      if ((await this.repository.adverseCount(manager, input.obligationId)) >= MAX_ADVERSE_INFERENCES) {
        throw new ConflictError(`obligationId: the obligation already holds ${MAX_ADVERSE_INFERENCES} adverse-inference flags, the most it may`, { field: 'obligationId' });
      }
      const flag = { partyId: input.partyId, evidence: input.evidence.trim(), reasons: input.reasons };
      if (!(await this.repository.flagAdverse(manager, caseId, input.obligationId, flag, actor.userId))) {
        throw new ConflictError('evidence: the party is already flagged for withholding this evidence on this obligation', { field: 'evidence' });
      }
    });
  }

  /**
   * The court withdraws an art. 95 flag with reasons (the evidence was produced, or the refusal
   * had good reason): kept as history, no longer standing, so the presumption no longer follows;
   * audited. NOT_FOUND unless the caller is the court of its case; CONFLICT when already withdrawn.
   */
  async withdrawAdverseInference(actor: Actor, input: WithdrawAdverseInferenceInput): Promise<Obligation> {
    const id = input.adverseInferenceId;
    const { caseId, obligationId } = await this.dataSource.transaction(async (manager) => {
      const flag = await this.repository.lockedFlag(manager, id);
      if (!flag || !(await this.sees(actor, flag.case_id))) throw new NotFoundError('AdverseInference', id);
      if (!flag.standing) throw new ConflictError('adverseInferenceId: the flag was already withdrawn', { field: 'adverseInferenceId' });
      await this.repository.withdrawAdverse(manager, id, input.reasons, actor.userId);
      await this.audit.record(manager, actor, {
        action: 'obligation.adverse-inference-withdrawn',
        subjectType: 'Obligation',
        subjectId: flag.obligation_id,
        caseId: flag.case_id,
        details: { adverseInferenceId: id },
      });
      return { caseId: flag.case_id, obligationId: flag.obligation_id };
    });
    return this.one(actor, caseId, obligationId);
  }

  /**
   * After the court extended the evidence period of case `caseId` (SPC evidence provisions (2019)
   * art. 54), in the grant's transaction: the obligations the obligation-failure job recorded
   * FAILED by the period's former end are OPEN again (audited with their ids), since that end no
   * longer holds. A grant made before the former end finds none: the job records a failure only
   * once the period's last day has passed, and a period extended before its end never ended, so
   * nothing can have failed by it. A grant after the end, on an application made in time (the law
   * asks the application, not the ruling, to come before the end), extends that same period too:
   * the failures recorded meanwhile fall with the end they were recorded by. The court's own
   * FAILED rulings stand.
   */
  async periodExtended(manager: EntityManager, actor: Actor, caseId: string): Promise<number> {
    const reopened = await this.repository.reopenRecordedFailures(manager, caseId);
    if (reopened.length) {
      await this.audit.record(manager, actor, {
        action: 'obligations.failures-reopened',
        subjectType: 'Case',
        subjectId: caseId,
        caseId,
        details: { obligationIds: reopened, reason: 'evidence period extended (SPC evidence provisions (2019) art. 54)' },
      });
    }
    return reopened.length;
  }

  /** True when `actor` may see case `caseId`. */
  private sees(actor: Actor, caseId: string): Promise<boolean> {
    return this.cases.get(actor, caseId).then(() => true, () => false);
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
      if (!caseId || !(await this.sees(actor, caseId))) throw new NotFoundError('Obligation', id);
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
  const adverseInferences = row.adverse_inferences.map((a) => ({
    id: a.id,
    partyId: a.party_id,
    evidence: a.evidence,
    reasons: a.reasons,
    flaggedAt: new Date(a.flagged_at),
    standing: a.withdrawn_at === null,
    withdrawnAt: a.withdrawn_at === null ? null : new Date(a.withdrawn_at),
    withdrawalReasons: a.withdrawal_reasons,
  }));
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
    originalDeadline: row.first_deadline,
    status,
    recordedStatus: row.status,
    failureRecordedAt: row.failure_recorded_at,
    rulingReasons: row.ruling_reasons,
    ruledAt: row.ruled_at,
    adverseInferences,
    evidenceIds: row.evidence_ids,
    evidenceCount: row.evidence_ids.length,
    whatFollows: whatFollows(
      status,
      row.consequence,
      row.deadline ? { due: row.deadline, firstDue: row.first_deadline ?? row.deadline } : null,
      row.adverse_inferences.filter((a) => a.withdrawn_at === null).map((a) => ({ partyName: a.party_name ?? 'A party', evidence: a.evidence })),
    ),
  };
}
