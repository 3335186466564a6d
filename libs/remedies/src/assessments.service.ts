import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  type Actor,
  AuditService,
  caseMemberView,
  ConflictError,
  type Connection,
  type EnrolmentView,
  InputError,
  type JobContext,
  JobsService,
  mapConnection,
  MERGED_VIEW,
  NotFoundError,
  Role,
} from '@app/platform';
import { CasesService } from '@app/cases';
import { ClassesRepository, ClassesService, type MaskedClaimant } from '@app/classes';
import type { AssessCompensationInput, DefineDamageModelInput, DistributionArgs } from './assessment.inputs';
import type { Assessment, DamageModel, MemberAssessment } from './assessment.model';
import { AssessmentsRepository, type AssessmentRow, type DamageModelRow, type MemberAssessmentRow, type SubclassTotalRow } from './assessments.repository';
import { AssessmentMethod, DamagesRecipient, damagesRecipient, DIVIDING_METHODS } from './rules/compensation';
import { checkDamageFactors, type DamageFactors, tierMultiplier } from './rules/damage-model';

/** The job kind that computes an assessment. */
export const ASSESS_COMPENSATION = 'remedies.assess-compensation';

const toModel = (r: DamageModelRow): DamageModel => ({
  id: r.id,
  name: r.name,
  version: r.version,
  categoryFen: Object.entries(r.factors.categoryFen).map(([category, fen]) => ({ category: category as never, fen: fen! })),
  harmFen: Object.entries(r.factors.harmFen).map(([harmType, fen]) => ({ harmType: harmType as never, fen: fen! })),
  spreadTiers: [...r.factors.spreadTiers],
  durationTiers: [...r.factors.durationTiers],
  createdAt: r.created_at,
});

/** A list of (key, fen) pairs as a record; BAD_USER_INPUT naming the field on a key given twice. */
function amounts<K extends string>(pairs: { key: K; fen: number }[], field: string): Partial<Record<K, number>> {
  const result: Partial<Record<K, number>> = {};
  pairs.forEach(({ key, fen }, i) => {
    if (key in result) throw new InputError(`${field}[${i}]`, 'names the same entry twice');
    result[key] = fen;
  });
  return result;
}

/**
 * Moral-damage factor models (versioned per organisation and name) and compensation assessments
 * of a class. An assessment computes from the assessing caller's view of the class (visibility
 * policy): the court's from the merged facts, an organisation's from its own enrolments only; it
 * is read by that organisation and by the court of the case. The computation runs as a job.
 */
@Injectable()
export class AssessmentsService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: AssessmentsRepository,
    private readonly cases: CasesService,
    private readonly classes: ClassesService,
    private readonly classRepository: ClassesRepository,
    private readonly jobs: JobsService,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.jobs.register(ASSESS_COMPENSATION, (ctx: JobContext<{ assessmentId: string }>) => this.run(ctx), { retryLimit: 2 });
  }

  /** Defines a factor model: a new name gets version 1, a known name its next version; nothing earlier changes. */
  async defineModel(actor: Actor, input: DefineDamageModelInput): Promise<DamageModel> {
    const factors: DamageFactors = {
      categoryFen: amounts(input.categoryFen.map((c) => ({ key: c.category, fen: c.fen })), 'categoryFen'),
      harmFen: amounts(input.harmFen.map((h) => ({ key: h.harmType, fen: h.fen })), 'harmFen'),
      spreadTiers: input.spreadTiers.map((t) => ({ atLeast: t.atLeast, multiplierBasisPoints: t.multiplierBasisPoints })),
      durationTiers: input.durationTiers.map((t) => ({ atLeast: t.atLeast, multiplierBasisPoints: t.multiplierBasisPoints })),
    };
    checkDamageFactors(factors);
    return this.dataSource.transaction(async (manager) => {
      const row = await this.repository.insertModel(manager, actor.organisationId, input.name, factors, actor.userId);
      await this.audit.record(manager, actor, { action: 'remedies.define-damage-model', subjectType: 'DamageModel', subjectId: row.id, details: { version: row.version } });
      return toModel(row);
    });
  }

  async models(actor: Actor, first: number, after?: string): Promise<Connection<DamageModel>> {
    const page = await this.repository.listModels(actor.organisationId, first, after);
    return mapConnection(page, toModel);
  }

  /** Queues the assessment of a class; the job writes every member's amount and explanation. */
  async assess(actor: Actor, input: AssessCompensationInput): Promise<Assessment> {
    const klass = await this.classes.get(actor, input.classId);
    const caseModel = await this.cases.get(actor, klass.caseId);
    const model = await this.repository.findModel(actor.organisationId, input.modelId);
    if (!model) throw new NotFoundError('DamageModel', input.modelId);
    const dividing = DIVIDING_METHODS.includes(input.method);
    if (dividing && !input.dividedTotalFen) throw new InputError('dividedTotalFen', `is required for the ${input.method} method`);
    if (dividing && !input.totalBasis) throw new InputError('totalBasis', `is required for the ${input.method} method (the evidence or the circumstances)`);
    if (!dividing && (input.dividedTotalFen || input.totalBasis)) throw new InputError(input.dividedTotalFen ? 'dividedTotalFen' : 'totalBasis', 'does not apply to the LOSS method');
    const view = caseMemberView(actor);
    const id = await this.dataSource.transaction(async (manager) => {
      const spread = await this.repository.classSpread(manager, klass.id);
      const assessmentId = await this.repository.insertAssessment(manager, {
        caseId: caseModel.id,
        classId: klass.id,
        organisationId: actor.organisationId,
        merged: view.merged,
        method: input.method,
        modelId: model.id,
        dividedTotalFen: input.dividedTotalFen ?? null,
        totalBasis: input.totalBasis ?? null,
        recipient: damagesRecipient(caseModel.type),
        spreadPeople: spread.people,
        spreadBasisPoints: tierMultiplier(model.factors.spreadTiers, spread.people),
        exposureDays: spread.days,
        durationBasisPoints: tierMultiplier(model.factors.durationTiers, spread.days),
        createdBy: actor.userId,
      });
      const job = await this.jobs.enqueue(manager, actor, ASSESS_COMPENSATION, { assessmentId });
      await this.repository.setJob(manager, assessmentId, job.id);
      await this.audit.record(manager, actor, {
        action: 'remedies.assess-compensation',
        subjectType: 'Assessment',
        subjectId: assessmentId,
        caseId: caseModel.id,
        details: { classId: klass.id, method: input.method, modelId: model.id, modelVersion: model.version, merged: view.merged },
      });
      return assessmentId;
    });
    return this.get(actor, id);
  }

  /** The job: every member's amount in one statement, then the totals; commits with its progress. */
  private async run(ctx: JobContext<{ assessmentId: string }>): Promise<Record<string, unknown>> {
    return this.dataSource.transaction(async (manager) => {
      const a = await this.repository.find(ctx.payload.assessmentId, manager, true);
      if (!a) throw new Error(`Assessment ${ctx.payload.assessmentId} is gone`);
      if (a.completed_at) return { members: Number(a.members) };
      const view: EnrolmentView = a.merged ? MERGED_VIEW : { merged: false, organisationId: a.organisation_id };
      const members = await this.repository.assess(manager, view, {
        assessmentId: a.id,
        classId: a.class_id,
        dividedTotalFen: a.divided_total_fen,
        categoryFen: a.factors.categoryFen,
        harmFen: a.factors.harmFen,
        spreadBasisPoints: a.spread_basis_points,
        durationBasisPoints: a.duration_basis_points,
      });
      await ctx.progress(members, members, manager);
      return { members };
    });
  }

  async get(actor: Actor, id: string): Promise<Assessment> {
    const row = await this.visible(actor, id);
    return (await this.toAssessments([row]))[0];
  }

  /** The case's assessments the caller may read: its organisation's; for the court, every party's. */
  async list(actor: Actor, caseId: string, first: number, after?: string): Promise<Connection<Assessment>> {
    await this.cases.get(actor, caseId);
    const page = await this.repository.listByCase(caseId, actor.organisationId, actor.role === Role.JUDGE, first, after);
    const models = await this.toAssessments(page.nodes);
    return mapConnection(page, (_, i) => models[i]);
  }

  /** One member's amount and its explanation; NOT_FOUND for a person not in the assessment (as for a missing one). */
  async member(actor: Actor, assessmentId: string, claimantId: string): Promise<MemberAssessment> {
    const a = await this.visible(actor, assessmentId);
    const row = await this.repository.member(a.id, claimantId);
    if (!row) throw new NotFoundError('MemberAssessment', claimantId);
    return toMemberAssessment(a, row);
  }

  /** The per-member distribution schedule of a representative action (excluded and opted-out members have no line). */
  async distribution(actor: Actor, args: DistributionArgs): Promise<{ assessment: AssessmentRow; page: Connection<MemberAssessment> }> {
    const a = await this.distributable(actor, args.assessmentId);
    const page = await this.repository.members(a.id, args.first, args.after, Number(a.members));
    return { assessment: a, page: mapConnection(page, (r) => toMemberAssessment(a, r)) };
  }

  /** The assessment if it has a distribution schedule: completed, and paid to the members. */
  async distributable(actor: Actor, assessmentId: string): Promise<AssessmentRow> {
    const a = await this.visible(actor, assessmentId);
    if (a.recipient !== DamagesRecipient.MEMBERS) {
      throw new ConflictError('The damages of a public-interest case go to the public-interest fund: there is no per-member distribution', { recipient: a.recipient });
    }
    if (!a.completed_at) throw new ConflictError('The assessment is still being computed', { jobId: a.job_id });
    return a;
  }

  /**
   * The masked name and ID number of members `claimantIds` of class `classId`, for a caller who
   * may read an assessment of the class (checked before: the rows come from `member` or
   * `distribution`), through the visibility policy: the plaintiff side sees the name as its own
   * enrolment recorded it, the court the merged view (the first of the case's parties'). One
   * query for any number of members (the schedule's DataLoader and the XLSX's batches).
   */
  maskedMembers(actor: Actor, classId: string, claimantIds: readonly string[]): Promise<MaskedClaimant[]> {
    return this.classRepository.maskedClaimants(caseMemberView(actor), classId, claimantIds);
  }

  /** The assessment if the caller may read it: its own organisation's, or one of a case filed at its court. */
  private async visible(actor: Actor, id: string): Promise<AssessmentRow> {
    const row = await this.repository.find(id);
    const readable = row && (row.organisation_id === actor.organisationId || actor.role === Role.JUDGE);
    if (!readable) throw new NotFoundError('Assessment', id);
    await this.cases.get(actor, row.case_id).catch((error: unknown) => {
      throw error instanceof NotFoundError ? new NotFoundError('Assessment', id) : error;
    });
    return row;
  }

  private async toAssessments(rows: AssessmentRow[]): Promise<Assessment[]> {
    const totals = new Map<string, SubclassTotalRow[]>();
    for (const t of rows.length ? await this.repository.subclassTotals(rows.map((r) => r.id)) : []) {
      totals.set(t.assessment_id, [...(totals.get(t.assessment_id) ?? []), t]);
    }
    return rows.map((r) => ({
      id: r.id,
      caseId: r.case_id,
      classId: r.class_id,
      method: r.method,
      modelId: r.model_id,
      modelVersion: r.model_version,
      merged: r.merged,
      dividedTotalFen: r.divided_total_fen,
      totalBasis: r.total_basis,
      recipient: r.recipient,
      spreadPeople: Number(r.spread_people),
      spreadBasisPoints: r.spread_basis_points,
      exposureDays: r.exposure_days,
      durationBasisPoints: r.duration_basis_points,
      jobId: r.job_id,
      completed: r.completed_at !== null,
      members: r.members === null ? null : Number(r.members),
      totalFen: r.total_fen,
      bySubclass: (totals.get(r.id) ?? []).map((t) => ({
        subclass: t.subclass,
        members: Number(t.members),
        propertyFen: t.property_fen,
        moralFen: t.moral_fen,
        amountFen: t.amount_fen,
      })),
      createdAt: r.created_at,
    }));
  }
}

/** A member's amount with its explanation: the stored facts, and the values the assessment's model version gives them. */
export function toMemberAssessment(a: AssessmentRow, r: MemberAssessmentRow): MemberAssessment {
  const members = Number(a.members);
  const division =
    a.method === AssessmentMethod.LOSS || a.divided_total_fen === null
      ? null
      : (() => {
          const base = BigInt(a.divided_total_fen) / BigInt(members);
          return { totalFen: a.divided_total_fen, members, baseFen: base.toString(), extraFen: Number(BigInt(r.property_fen) - base) };
        })();
  return {
    claimantId: r.claimant_id,
    classId: a.class_id,
    subclass: r.subclass,
    propertyFen: r.property_fen,
    moralFen: r.moral_fen,
    amountFen: r.amount_fen,
    explanation: {
      method: a.method,
      provenLossFen: a.method === AssessmentMethod.LOSS ? (r.proven_loss_fen ?? '0') : null,
      division,
      categories: r.data_categories.map((category) => ({ category, fen: a.factors.categoryFen[category] ?? 0 })),
      categoryFen: r.category_fen,
      spreadPeople: Number(a.spread_people),
      spreadBasisPoints: a.spread_basis_points,
      exposureDays: a.exposure_days,
      durationBasisPoints: a.duration_basis_points,
      harms: r.harm_types.map((harmType) => ({ harmType, fen: a.factors.harmFen[harmType] ?? 0 })),
      harmFen: r.harm_fen,
      formula: `floor(${r.category_fen} × ${a.spread_basis_points} × ${a.duration_basis_points} / 10^8) + ${r.harm_fen} = ${r.moral_fen}`,
    },
  };
}
