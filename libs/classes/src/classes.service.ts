import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type Actor, AuditService, caseMemberView, type Connection, ForbiddenError, InputError, NotFoundError, Role } from '@app/platform';
import { type CaseModel, CasesService, CaseType, checkRepresentativeCount, Clock } from '@app/cases';
import { ExposureBasis } from '@app/claimants';
import { NoRegistrationPeriodError, NotReadyToCertifyError, RegistrationClosedError } from './class.errors';
import {
  DEFAULT_SHARED_PHONE_THRESHOLD,
  type ClassDecisionInput,
  type ClassMembersArgs,
  type ElectClassRepresentativesInput,
  type FormClassInput,
  type MemberFilterInput,
  type MemberReasonInput,
  type ReassignSubclassInput,
  type RegisterMemberInput,
  ReviewAction,
  type ReviewMemberInput,
  type ReviewMembersInput,
  type ReviewMembersPreviewInput,
} from './class.inputs';
import {
  type AdequacyWarning,
  type ClassAnomaly,
  ClassAnomalyKind,
  type ClassComposition,
  type ClassMember,
  type ClassModel,
  type ClassRepresentatives,
  type FormationResult,
  type ReviewDecision,
  ReviewDecisionKind,
  type ReviewPreview,
} from './class.model';
import { ClassesRepository, type MemberView } from './classes.repository';
import {
  checkClassOpen,
  checkClassStatusTransition,
  checkMemberTransition,
  ClassStatus,
  MemberActor,
  MemberState,
  statesAllowedToByFilter,
} from './rules/membership';
import { AdequacyWarningKind, ATYPICAL_SUBCLASS_SHARE, isAtypicalShare } from './rules/representatives';

/** What the caller is to a class: the court of its case, or its plaintiff side, and whose members it may list. */
interface ClassAccess {
  klass: ClassModel;
  caseModel: CaseModel;
  by: MemberActor;
  view: MemberView;
}

const REVIEW_TARGET: Record<ReviewAction, MemberState> = {
  [ReviewAction.ADMIT]: MemberState.ADMITTED,
  [ReviewAction.EXCLUDE]: MemberState.EXCLUDED,
};

/** Class types: civil cases over victims. An administrative case is against an agency and has no class. */
const CLASS_CASE_TYPES: readonly CaseType[] = [CaseType.CIVIL_PUBLIC_INTEREST, CaseType.REPRESENTATIVE_ACTION, CaseType.SUPPORTED];

/**
 * Class formation and judicial review. Who may see a class is who may see its case (issue 3's
 * visibility: the plaintiff side, and the judges of the court once filed); the plaintiff side
 * forms and proposes, the court decides. Every change is one transaction that locks the class
 * row, keeps a review decision and writes the audit event.
 */
@Injectable()
export class ClassesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: ClassesRepository,
    private readonly cases: CasesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async get(actor: Actor, classId: string): Promise<ClassModel> {
    return (await this.access(actor, classId)).klass;
  }

  async list(actor: Actor, caseId: string, first: number, after?: string): Promise<Connection<ClassModel>> {
    await this.cases.get(actor, caseId);
    return this.repository.listByCase(caseId, first, after);
  }

  async members(actor: Actor, args: ClassMembersArgs): Promise<Connection<ClassMember>> {
    const { view } = await this.access(actor, args.classId);
    return this.repository.listMembers(actor, args.classId, view, args.filter, args.first, args.after);
  }

  async anomalies(actor: Actor, classId: string, kind: ClassAnomalyKind, threshold: number, first: number, after?: string): Promise<Connection<ClassAnomaly>> {
    const { view } = await this.access(actor, classId);
    return this.repository.anomalies(actor, classId, view, kind, threshold, first, after);
  }

  /** Anonymous counts, over the members and facts of the caller's view (the court's merged, or its own). */
  async composition(actor: Actor, classId: string): Promise<ClassComposition> {
    const { view } = await this.access(actor, classId);
    return this.repository.composition(classId, view);
  }

  /** Every decision; one on a member the caller did not enrol shows neither the member nor the reason. */
  async decisions(actor: Actor, classId: string, first: number, after?: string): Promise<Connection<ReviewDecision>> {
    const { view } = await this.access(actor, classId);
    return this.repository.decisions(classId, view, first, after);
  }

  /** Forms a class from the exposures to the given incidents (each linked to the case). */
  async form(actor: Actor, input: FormClassInput): Promise<FormationResult> {
    const caseModel = await this.cases.get(actor, input.caseId);
    this.requirePlaintiffSide(actor);
    if (!CLASS_CASE_TYPES.includes(caseModel.type)) throw new InputError('caseId', `a ${caseModel.type} case has no class of claimants`);
    const bases = input.bases ?? Object.values(ExposureBasis);
    return this.dataSource.transaction(async (manager) => {
      const unlinked = await this.repository.unlinkedIncidents(manager, caseModel.id, input.incidentIds);
      if (unlinked.length) throw new InputError('incidentIds', 'names a leak incident not linked to the case', { unlinked });
      const classId = await this.repository.insertClass(manager, {
        caseId: caseModel.id,
        name: input.name,
        definition: input.definition,
        bases,
        incidentIds: input.incidentIds,
        createdBy: actor.userId,
        organisationId: actor.organisationId,
      });
      return this.runFormation(manager, actor, classId, caseModel.id, bases, ReviewDecisionKind.FORM, 'class.form');
    });
  }

  /** Re-runs formation: adds new candidates, refreshes facts, never duplicates or resurrects. */
  async reform(actor: Actor, classId: string): Promise<FormationResult> {
    const access = await this.access(actor, classId);
    this.requirePlaintiffSide(actor);
    return this.dataSource.transaction(async (manager) => {
      const klass = await this.lock(manager, classId);
      checkClassOpen(klass.status);
      return this.runFormation(manager, actor, classId, access.caseModel.id, klass.bases, ReviewDecisionKind.REFORM, 'class.reform');
    });
  }

  /** The court admits or excludes one member. */
  async reviewMember(actor: Actor, input: ReviewMemberInput): Promise<ReviewDecision> {
    const access = await this.access(actor, input.classId);
    return this.changeMember(access, actor, input.classId, input.claimantId, REVIEW_TARGET[input.action], input.reason,
      input.action === ReviewAction.ADMIT ? ReviewDecisionKind.ADMIT : ReviewDecisionKind.EXCLUDE, 'class.review-member');
  }

  /**
   * The court admits or excludes every member matching a filter, in one statement. A bulk admit
   * never brings back an excluded member (that is a decision on the one member).
   */
  async reviewMembers(actor: Actor, input: ReviewMembersInput): Promise<ReviewDecision> {
    const access = await this.access(actor, input.classId);
    if (access.by !== MemberActor.COURT) throw new ForbiddenError('Only the court of the case reviews members');
    const to = REVIEW_TARGET[input.action];
    const filter = compactFilter(input.filter);
    return this.dataSource.transaction(async (manager) => {
      checkClassOpen((await this.lock(manager, input.classId)).status);
      const from = statesAllowedToByFilter(to, MemberActor.COURT);
      const touched = await this.repository.transitionByFilter(manager, actor, input.classId, filter, from, to, input.reason, actor.organisationId);
      const kind = input.action === ReviewAction.ADMIT ? ReviewDecisionKind.ADMIT : ReviewDecisionKind.EXCLUDE;
      return this.decide(manager, actor, access, 'class.review-members', {
        kind,
        filter: { ...filter, fromStates: from },
        reason: input.reason,
        touched,
      });
    });
  }

  /**
   * The court's preview of a decision by filter: how many members reviewClassMembers would move
   * now with this filter and action (the same conditions, the same states), and from which states.
   */
  async previewReviewMembers(actor: Actor, input: ReviewMembersPreviewInput): Promise<ReviewPreview> {
    const access = await this.access(actor, input.classId);
    if (access.by !== MemberActor.COURT) throw new ForbiddenError('Only the court of the case reviews members');
    const from = statesAllowedToByFilter(REVIEW_TARGET[input.action], MemberActor.COURT);
    return { members: await this.repository.countByFilter(actor, input.classId, compactFilter(input.filter), from), fromStates: from };
  }

  /** The claimant withdraws: recorded by the organisation that enrolled them. */
  async optOut(actor: Actor, input: MemberReasonInput): Promise<ReviewDecision> {
    const access = await this.access(actor, input.classId);
    this.requirePlaintiffSide(actor);
    return this.changeMember(access, actor, input.classId, input.claimantId, MemberState.OPTED_OUT, input.reason, ReviewDecisionKind.OPT_OUT, 'class.opt-out');
  }

  /**
   * Registers a member of a representative action within the court's registration period (CPL
   * (2023) art. 57; SPC interpretation of the CPL (2022) art. 79), counted on today's date in
   * Asia/Shanghai; after the period's due date it is refused with the date.
   */
  async register(actor: Actor, input: RegisterMemberInput): Promise<ReviewDecision> {
    const access = await this.access(actor, input.classId);
    if (access.caseModel.type !== CaseType.REPRESENTATIVE_ACTION) {
      throw new NoRegistrationPeriodError(`registration applies to representative actions, not to a ${access.caseModel.type} case`);
    }
    const period = await this.repository.registrationPeriod(this.dataSource.manager, access.caseModel.id);
    if (!period) throw new NoRegistrationPeriodError('the court has opened no registration period for this case');
    const today = this.clock.today();
    if (today > period.due) throw new RegistrationClosedError(period.due, today);
    return this.changeMember(access, actor, input.classId, input.claimantId, MemberState.REGISTERED, null, ReviewDecisionKind.REGISTER, 'class.register', {
      registeredOn: today,
      periodDue: period.due,
    });
  }

  /**
   * Moves a member to another subclass by hand, with a reason; re-forming keeps it. The court's
   * move is the member's, for every viewer; a party's is its own view's (the court sees it among
   * the decisions), so two parties that enrolled the person never overwrite each other's.
   */
  async reassignSubclass(actor: Actor, input: ReassignSubclassInput): Promise<ReviewDecision> {
    const access = await this.access(actor, input.classId);
    return this.dataSource.transaction(async (manager) => {
      checkClassOpen((await this.lock(manager, input.classId)).status);
      const member = await this.repository.findMember(manager, input.classId, input.claimantId, access.view, true);
      if (!member) throw new NotFoundError('ClassMember', input.claimantId);
      if (access.by === MemberActor.COURT) {
        await this.repository.setCourtSubclass(manager, input.classId, input.claimantId, input.subclass, input.reason, actor.organisationId);
      } else {
        await this.repository.setOwnSubclass(manager, input.classId, actor.organisationId, input.claimantId, input.subclass, input.reason);
      }
      return this.decide(manager, actor, access, 'class.reassign-subclass', {
        kind: ReviewDecisionKind.REASSIGN_SUBCLASS,
        claimantId: input.claimantId,
        reason: input.reason,
        touched: 1,
        details: { from: member.subclass, to: input.subclass },
      });
    });
  }

  /**
   * Certifies the class: every member decided (none PROPOSED or REGISTERED), at least one
   * admitted, and for a representative action its elected representatives (issue 3's count rule).
   */
  async certify(actor: Actor, input: ClassDecisionInput): Promise<ClassModel> {
    return this.changeStatus(actor, input, ClassStatus.CERTIFIED, ReviewDecisionKind.CERTIFY, 'class.certify', async (manager, access) => {
      const counts = await this.repository.reviewCounts(manager, input.classId);
      if (counts.undecided > 0) {
        throw new NotReadyToCertifyError(`${counts.undecided} members still await a decision (PROPOSED or REGISTERED)`, { undecided: counts.undecided });
      }
      if (counts.admitted === 0) throw new NotReadyToCertifyError('no member is admitted', { admitted: 0 });
      if (access.caseModel.type === CaseType.REPRESENTATIVE_ACTION) {
        checkRepresentativeCount(access.caseModel.type, await this.repository.representativeCount(manager, input.classId));
      }
      return { admitted: counts.admitted };
    });
  }

  async refuseCertification(actor: Actor, input: ClassDecisionInput): Promise<ClassModel> {
    if (!input.reason) throw new InputError('reason', 'is required to refuse certification');
    return this.changeStatus(actor, input, ClassStatus.REFUSED, ReviewDecisionKind.REFUSE_CERTIFICATION, 'class.refuse-certification', async () => ({}));
  }

  async reopen(actor: Actor, input: ClassDecisionInput): Promise<ClassModel> {
    if (!input.reason) throw new InputError('reason', 'is required to reopen a class');
    return this.changeStatus(actor, input, ClassStatus.OPEN, ReviewDecisionKind.REOPEN, 'class.reopen', async () => ({}));
  }

  /**
   * Elects the representatives among the current members the caller's organisation enrolled
   * (replacing any before). A claimant who is not a current member and one enrolled only by
   * other organisations get the same refusal, so the call reveals no one's membership.
   */
  async electRepresentatives(actor: Actor, input: ElectClassRepresentativesInput): Promise<ClassRepresentatives> {
    const access = await this.access(actor, input.classId);
    this.requirePlaintiffSide(actor);
    checkRepresentativeCount(access.caseModel.type, input.claimantIds.length);
    await this.dataSource.transaction(async (manager) => {
      checkClassOpen((await this.lock(manager, input.classId)).status);
      const notMembers = await this.repository.notCurrentMembers(manager, input.classId, input.claimantIds, access.view);
      if (notMembers.length) {
        throw new InputError('claimantIds', 'names a claimant who is not a current member of the class enrolled by your organisation', { notMembers });
      }
      await this.repository.replaceRepresentatives(manager, input.classId, input.claimantIds);
      await this.decide(manager, actor, access, 'class.elect-representatives', {
        kind: ReviewDecisionKind.ELECT_REPRESENTATIVES,
        touched: input.claimantIds.length,
        details: { claimantIds: input.claimantIds },
      });
    });
    return this.representatives(actor, input.classId);
  }

  /**
   * The representatives with adequacy warnings (warnings for the judge, never refusals). The
   * court sees them all; the plaintiff side those its organisation enrolled, the rest counted.
   */
  async representatives(actor: Actor, classId: string): Promise<ClassRepresentatives> {
    const access = await this.access(actor, classId);
    const [{ rows, hidden }, composition, caseRepresentativeParties] = await Promise.all([
      this.repository.representatives(actor, classId, access.view),
      this.repository.composition(classId, access.view),
      this.repository.caseRepresentativeParties(access.caseModel.id),
    ]);
    const bySubclass = new Map(composition.bySubclass.map((s) => [s.subclass, s.members]));
    return {
      classId,
      caseRepresentativeParties,
      hiddenRepresentatives: hidden,
      representatives: rows.map(({ position, member, duplicate }) => {
        const warnings: AdequacyWarning[] = [];
        const inSubclass = bySubclass.get(member.subclass) ?? 0;
        if (isAtypicalShare(inSubclass, composition.currentMembers)) {
          warnings.push({
            kind: AdequacyWarningKind.ATYPICAL_SUBCLASS,
            message: `In subclass ${member.subclass}, which holds ${inSubclass} of ${composition.currentMembers} current members (under ${ATYPICAL_SUBCLASS_SHARE * 100} %): the claim may be atypical for the class`,
          });
        }
        if (member.state !== MemberState.ADMITTED) {
          warnings.push({ kind: AdequacyWarningKind.NOT_ADMITTED, message: `The member is ${member.state}, not admitted by the court` });
        }
        if (duplicate) {
          warnings.push({ kind: AdequacyWarningKind.IN_ANOTHER_CLASS, message: 'Also a current member of another class over the same incident' });
        }
        return { position, member, warnings };
      }),
    };
  }

  private async runFormation(
    manager: EntityManager,
    actor: Actor,
    classId: string,
    caseId: string,
    bases: ExposureBasis[],
    kind: ReviewDecisionKind,
    action: string,
  ): Promise<FormationResult> {
    const counts = await this.repository.form(manager, classId, caseId, bases);
    const klass = (await this.repository.find(classId, manager))!;
    const decision = await this.repository.insertDecision(manager, {
      classId,
      caseId,
      kind,
      touched: counts.added + counts.refreshed,
      details: { added: counts.added, refreshed: counts.refreshed, incidentIds: klass.incidentIds, bases },
      actorId: actor.userId,
      organisationId: actor.organisationId,
    });
    await this.audit.record(manager, actor, {
      action,
      subjectType: 'Class',
      subjectId: classId,
      caseId,
      details: { decisionId: decision.id, added: counts.added, refreshed: counts.refreshed, incidentIds: klass.incidentIds, bases },
    });
    // Formation is the plaintiff side's: it is told the counts of its own view only (the class's
    // own counts, in the decision and the audit trail, are the court's).
    const own = counts.byOrganisation.get(actor.organisationId) ?? { added: 0, refreshed: 0 };
    return { class: klass, added: own.added, refreshed: own.refreshed, decision: { ...decision, touched: null } };
  }

  /** One member to `to`, as the state machine allows for the caller's side. */
  private changeMember(
    access: ClassAccess,
    actor: Actor,
    classId: string,
    claimantId: string,
    to: MemberState,
    reason: string | null,
    kind: ReviewDecisionKind,
    action: string,
    details: Record<string, unknown> = {},
  ): Promise<ReviewDecision> {
    return this.dataSource.transaction(async (manager) => {
      checkClassOpen((await this.lock(manager, classId)).status);
      const member = await this.repository.findMember(manager, classId, claimantId, access.view, true);
      if (!member) throw new NotFoundError('ClassMember', claimantId);
      checkMemberTransition(member.state, to, access.by);
      await this.repository.setMemberState(manager, classId, claimantId, to, reason, actor.organisationId);
      return this.decide(manager, actor, access, action, { kind, claimantId, reason, touched: 1, details: { from: member.state, to, ...details } });
    });
  }

  private async changeStatus(
    actor: Actor,
    input: ClassDecisionInput,
    to: ClassStatus,
    kind: ReviewDecisionKind,
    action: string,
    check: (manager: EntityManager, access: ClassAccess) => Promise<Record<string, unknown>>,
  ): Promise<ClassModel> {
    const access = await this.access(actor, input.classId);
    if (access.by !== MemberActor.COURT) throw new ForbiddenError('Only the court of the case certifies, refuses or reopens a class');
    return this.dataSource.transaction(async (manager) => {
      const klass = await this.lock(manager, input.classId);
      checkClassStatusTransition(klass.status, to);
      const details = await check(manager, access);
      await this.repository.setStatus(manager, input.classId, to, input.reason ?? null);
      await this.decide(manager, actor, access, action, { kind, reason: input.reason ?? null, touched: 0, details: { from: klass.status, to, ...details } });
      return (await this.repository.find(input.classId, manager))!;
    });
  }

  /** Keeps the decision and writes its audit event (the reason stays in the decision: it is free text). */
  private async decide(
    manager: EntityManager,
    actor: Actor,
    access: ClassAccess,
    action: string,
    d: { kind: ReviewDecisionKind; claimantId?: string; filter?: object; reason?: string | null; touched: number; details?: Record<string, unknown> },
  ): Promise<ReviewDecision> {
    const decision = await this.repository.insertDecision(manager, {
      classId: access.klass.id,
      caseId: access.caseModel.id,
      kind: d.kind,
      claimantId: d.claimantId ?? null,
      filter: d.filter ?? null,
      reason: d.reason ?? null,
      details: d.details,
      touched: d.touched,
      actorId: actor.userId,
      organisationId: actor.organisationId,
    });
    await this.audit.record(manager, actor, {
      action,
      subjectType: 'Class',
      subjectId: access.klass.id,
      caseId: access.caseModel.id,
      details: { decisionId: decision.id, kind: d.kind, claimantId: d.claimantId ?? null, filter: d.filter ?? null, touched: d.touched, ...d.details },
    });
    return decision;
  }

  private async lock(manager: EntityManager, classId: string): Promise<ClassModel> {
    const klass = await this.repository.find(classId, manager, true);
    if (!klass) throw new NotFoundError('Class', classId);
    return klass;
  }

  /** NOT_FOUND unless the caller may see the class's case; whether court or plaintiff side. */
  private async access(actor: Actor, classId: string): Promise<ClassAccess> {
    const klass = await this.repository.find(classId);
    if (!klass) throw new NotFoundError('Class', classId);
    let caseModel: CaseModel;
    try {
      caseModel = await this.cases.get(actor, klass.caseId);
    } catch (error) {
      if (error instanceof NotFoundError) throw new NotFoundError('Class', classId);
      throw error;
    }
    const by = actor.role === Role.JUDGE ? MemberActor.COURT : MemberActor.PLAINTIFF_SIDE;
    return { klass, caseModel, by, view: caseMemberView(actor) };
  }

  private requirePlaintiffSide(actor: Actor): void {
    if (actor.role !== Role.PROCURATOR && actor.role !== Role.ASSOCIATION_STAFF) {
      throw new ForbiddenError('Only the plaintiff side (procurators, association staff) forms classes and records members');
    }
  }
}

/** The filter without unset fields, as kept in the decision. */
/** The filter's given conditions only, with the SHARED_PHONE / SHARED_ADDRESS threshold made explicit (a decision keeps the filter it applied). */
function compactFilter(filter: MemberFilterInput): MemberFilterInput {
  const given = Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined && v !== null)) as MemberFilterInput;
  if (given.anomaly === ClassAnomalyKind.SHARED_PHONE || given.anomaly === ClassAnomalyKind.SHARED_ADDRESS) given.anomalyThreshold ??= DEFAULT_SHARED_PHONE_THRESHOLD;
  else delete given.anomalyThreshold;
  return given;
}
