import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type Actor, AuditService, ConflictError, type Connection, DomainError, ErrorCode, InputError, NotFoundError, Role } from '@app/platform';
import { CasesService, Clock, DeadlineRule, DeadlinesService } from '@app/cases';
import { actingParty } from '../acting-party';
import { EvidenceRepository } from '../evidence/evidence.repository';
import { ObligationsService } from '../obligations/obligations.service';
import { applicationRefusal, EVIDENCE_PERIOD_EXTENSION, ExtensionStatus, grantRefusal } from '../rules/evidence-period-extension';
import type { ApplyForEvidencePeriodExtensionInput, EvidencePeriodExtension, RuleOnEvidencePeriodExtensionInput } from './evidence-period-extension.model';
import { EvidencePeriodExtensionsRepository } from './evidence-period-extensions.repository';

/** An act the rule EVIDENCE_PERIOD_EXTENSION does not allow: the message names the rule and the dates. */
class ExtensionRuleError extends DomainError {
  constructor(code: ErrorCode, message: string, facts: Record<string, string | null>) {
    super(code, message, { rule: EVIDENCE_PERIOD_EXTENSION.name, ...facts });
  }
}

/**
 * Extending the evidence period (SPC evidence provisions (2019) art. 54; rule
 * EVIDENCE_PERIOD_EXTENSION): a party applies before the period ends, the court of the case
 * grants (the case's EVIDENCE_PERIOD deadline moves, through DeadlinesService.extend, for every
 * party) or refuses, with reasons. Every act is one transaction with the case row locked
 * (serialised with stage transitions, which close the period) and audited. Dates are the Clock's
 * today (Asia/Shanghai).
 */
@Injectable()
export class EvidencePeriodExtensionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: EvidencePeriodExtensionsRepository,
    private readonly evidence: EvidenceRepository,
    private readonly cases: CasesService,
    private readonly deadlines: DeadlinesService,
    private readonly obligations: ObligationsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Records a party's application: the plaintiff side's for its own party, the court's record of
   * a defendant's, agency's or representative's (actingParty). NOT_FOUND for a case the caller
   * cannot see; BAD_USER_INPUT for a party it may not apply for or a requestedEnd not after the
   * current end; CONFLICT (rule named, with `due`) when no evidence period runs or it has ended,
   * and CONFLICT (with `limit`) when the case's deadlines were extended as often as they may be.
   */
  apply(actor: Actor, input: ApplyForEvidencePeriodExtensionInput): Promise<EvidencePeriodExtension> {
    return this.dataSource.transaction(async (manager) => {
      await this.cases.lockVisible(manager, actor, input.caseId);
      const partyId = actingParty(actor, await this.evidence.parties(input.caseId, manager), input.partyId, 'application');
      const today = this.clock.today();
      const current = await this.deadlines.current(manager, input.caseId, DeadlineRule.EVIDENCE_PERIOD);
      const refusal = applicationRefusal(current?.due ?? null, today);
      if (refusal) throw new ExtensionRuleError(ErrorCode.CONFLICT, refusal, { due: current?.due ?? null, today });
      if (input.requestedEnd && input.requestedEnd <= current!.due) {
        throw new InputError('requestedEnd', `must be after the current end of the evidence period, ${current!.due}`);
      }
      await this.deadlines.assertExtensible(manager, input.caseId);
      const id = await this.repository.insert(manager, {
        caseId: input.caseId,
        partyId,
        organisationId: actor.role === Role.JUDGE ? null : actor.organisationId,
        appliedBy: actor.userId,
        appliedOn: today,
        deadlineId: current!.id,
        periodEnds: current!.due,
        requestedEnd: input.requestedEnd ?? null,
        reasons: input.reasons,
      });
      await this.audit.record(manager, actor, {
        action: 'evidence-period.extension-applied',
        subjectType: 'EvidencePeriodExtension',
        subjectId: id,
        caseId: input.caseId,
        details: { partyId, periodEnds: current!.due, requestedEnd: input.requestedEnd ?? null },
      });
      return (await this.repository.findVisible(actor, id, manager))!;
    });
  }

  /**
   * The court's ruling on a pending application, with reasons (audited). GRANTED extends the
   * case's evidence period to `newEnd` for every party (DeadlinesService.extend: the running
   * EVIDENCE_PERIOD deadline is closed and its extension opened), and sets back to OPEN what the
   * obligation-failure job recorded FAILED by the former end (ObligationsService.periodExtended).
   * NOT_FOUND unless the caller is the court of its case; CONFLICT when already ruled or when the
   * period no longer runs (the case moved on); BAD_USER_INPUT (rule named) for a missing or too
   * early `newEnd`, or a `newEnd` with REFUSED.
   */
  async rule(actor: Actor, input: RuleOnEvidencePeriodExtensionInput): Promise<EvidencePeriodExtension> {
    const id = input.applicationId;
    const granted = input.decision === ExtensionStatus.GRANTED;
    if (!granted && input.newEnd) throw new InputError('newEnd', 'applies to a grant only');
    if (granted && !input.newEnd) throw new InputError('newEnd', 'is required to grant: the new last day of the evidence period');
    return this.dataSource.transaction(async (manager) => {
      const application = await this.repository.locked(manager, id);
      const caseId = application?.case_id;
      if (!caseId || !(await this.cases.lockVisible(manager, actor, caseId).then(() => true, () => false))) throw new NotFoundError('EvidencePeriodExtension', id);
      if (application.status !== ExtensionStatus.PENDING) {
        throw new ConflictError(`applicationId: the court already ruled on this application (${application.status})`, { field: 'applicationId' });
      }
      const today = this.clock.today();
      let extension: { deadlineId: string; previousEnd: string; newEnd: string; reopened: number } | null = null;
      if (granted) {
        const current = await this.deadlines.current(manager, caseId, DeadlineRule.EVIDENCE_PERIOD);
        if (!current) {
          throw new ExtensionRuleError(ErrorCode.CONFLICT, `${EVIDENCE_PERIOD_EXTENSION.name}: the case has no running evidence period to extend`, { due: null, today });
        }
        const refusal = grantRefusal(current.due, input.newEnd!, today);
        if (refusal) throw new ExtensionRuleError(ErrorCode.BAD_USER_INPUT, `newEnd: ${refusal}`, { field: 'newEnd', due: current.due, today });
        const extended = await this.deadlines.extend(manager, current, input.newEnd!, today);
        const reopened = await this.obligations.periodExtended(manager, actor, caseId);
        extension = { deadlineId: extended.id, previousEnd: current.due, newEnd: extended.deadline.due, reopened };
      }
      await this.repository.rule(manager, id, {
        status: input.decision,
        on: today,
        reasons: input.reasons,
        judge: actor.userId,
        extendedDeadlineId: extension?.deadlineId ?? null,
      });
      await this.audit.record(manager, actor, {
        action: 'evidence-period.extension-ruled',
        subjectType: 'EvidencePeriodExtension',
        subjectId: id,
        caseId,
        details: { decision: input.decision, ...extension },
      });
      return (await this.repository.findVisible(actor, id, manager))!;
    });
  }

  /** The case's applications the caller may see (visibleExtensionApplication), in the order made; NOT_FOUND for a case it cannot see. */
  async list(actor: Actor, caseId: string, first: number, after?: string): Promise<Connection<EvidencePeriodExtension>> {
    await this.cases.get(actor, caseId);
    return this.repository.list(actor, caseId, first, after);
  }
}
