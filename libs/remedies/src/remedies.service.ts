import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type Actor, AuditService, ConflictError, type Connection, ForbiddenError, InputError, mapConnection, NotFoundError } from '@app/platform';
import { CasesService, Clock, LIABILITY_SOURCES } from '@app/cases';
import { EvidenceService } from '@app/proof';
import {
  REMEDY_LIMITS,
  type RecordComplianceEvidenceInput,
  type RecordCourtPublicationInput,
  type RecordRemedyPaymentInput,
  type RemediesArgs,
  type SeekRemedyInput,
  type TransitionRemedyInput,
  type VerifyMeasureInput,
} from './remedy.inputs';
import { RemedyKindError } from './remedy.errors';
import type { LiabilitySchedule, RemedyDefendant, RemedyModel } from './remedy.model';
import { RemediesRepository, type RemedyDefendantRow, type RemedyEvidenceRow, type RemedyMeasureRow, type RemedyRow } from './remedies.repository';
import { checkExtent, LiabilityExtent, liabilitySchedule } from './rules/liability';
import { checkRemedyTransition, isDueOverdue, OWING_STATUSES, remedyActorOf, RemedyKind, RemedyStatus } from './rules/lifecycle';
import { checkProportionality, PRIVATE_MEDIA } from './rules/proportionality';

/** The kinds published in a medium (Civil Code art. 1000), and the kinds done by measures. */
const PUBLISHED_KINDS = [RemedyKind.APOLOGY, RemedyKind.ELIMINATING_IMPACT];
const MEASURED_KINDS = [RemedyKind.CESSATION, RemedyKind.ELIMINATING_IMPACT];
/** A refusal can be found while the remedy is owed, or once the court found the default. */
const REFUSABLE = [...OWING_STATUSES, RemedyStatus.DEFAULTED];

const groupBy = <T extends { remedy_id: string }>(rows: T[]) => {
  const map = new Map<string, T[]>();
  for (const row of rows) map.set(row.remedy_id, [...(map.get(row.remedy_id) ?? []), row]);
  return map;
};

const toDefendant = (d: RemedyDefendantRow): RemedyDefendant => ({
  partyId: d.party_id,
  name: d.name,
  basis: d.liability_basis,
  basisSource: LIABILITY_SOURCES[d.liability_basis],
  extent: d.extent,
  shareBasisPoints: d.share_basis_points,
});

/**
 * The four remedies of a case through their lifecycle (rules/lifecycle.ts). Whoever may see the
 * case sees its remedies (NOT_FOUND otherwise, as for a missing one); the plaintiff side seeks,
 * the court orders and verifies. Every change is one transaction that locks the remedy, checks
 * the event date (not in the future, not before the remedy's last event) and writes an audit
 * event with the case id. Overdue is computed from the clock when read.
 */
@Injectable()
export class RemediesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: RemediesRepository,
    private readonly cases: CasesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly evidenceItems: EvidenceService,
  ) {}

  async list(actor: Actor, args: RemediesArgs): Promise<Connection<RemedyModel>> {
    await this.cases.get(actor, args.caseId);
    const page = await this.repository.listByCase(args.caseId, this.clock.today(), args.overdueOnly === true, args.first, args.after);
    const models = await this.toModels(page.nodes);
    return mapConnection(page, (_, i) => models[i]);
  }

  async get(actor: Actor, remedyId: string): Promise<RemedyModel> {
    const row = await this.visible(this.dataSource.manager, actor, remedyId);
    return (await this.toModels([row]))[0];
  }

  /** Seeks a remedy against defendants of the case (the plaintiff side). */
  async seek(actor: Actor, input: SeekRemedyInput): Promise<RemedyModel> {
    const found = await this.cases.get(actor, input.caseId);
    if (remedyActorOf(actor.role) !== 'PLAINTIFF_SIDE') throw new ForbiddenError('Remedies are sought by the plaintiff side');
    this.checkKindFields(input);
    this.checkNotFuture(input.soughtOn, 'soughtOn');
    const id = await this.dataSource.transaction(async (manager) => {
      const partyIds = input.defendants.map((d) => d.partyId);
      const defendants = await this.repository.defendantParties(manager, found.id, partyIds);
      input.defendants.forEach((d, i) => {
        const field = `defendants[${i}]`;
        if (!defendants.has(d.partyId)) throw new InputError(`${field}.partyId`, 'is not a defendant of the case');
        if (partyIds.indexOf(d.partyId) !== i) throw new InputError(`${field}.partyId`, 'is listed twice');
        checkExtent(d.extent, d.shareBasisPoints, `${field}.shareBasisPoints`);
        if (input.kind !== RemedyKind.COMPENSATION && d.extent !== LiabilityExtent.FULL) {
          throw new InputError(`${field}.extent`, 'a share of liability applies to compensation only');
        }
      });
      const remedyId = await this.repository.insertRemedy(manager, {
        caseId: found.id,
        kind: input.kind,
        description: input.description,
        dueOn: input.dueOn ?? null,
        medium: input.medium ?? null,
        durationDays: input.durationDays ?? null,
        approvedText: input.approvedText ?? null,
        amountFen: input.amountFen ?? null,
        soughtOn: input.soughtOn,
        organisationId: actor.organisationId,
        createdBy: actor.userId,
      });
      await this.repository.insertDefendants(manager, remedyId, found.id, input.defendants.map((d) => ({ ...d, shareBasisPoints: d.shareBasisPoints ?? null })));
      await this.repository.insertMeasures(manager, remedyId, input.measures ?? []);
      await this.record(manager, actor, 'remedy.seek', remedyId, found.id, { kind: input.kind, defendants: partyIds.length, measures: input.measures?.length ?? 0 });
      return remedyId;
    });
    return this.get(actor, id);
  }

  /** Moves a remedy along its lifecycle; an order or settlement may set the due date and, for compensation, the amount. */
  async transition(actor: Actor, input: TransitionRemedyInput): Promise<RemedyModel> {
    await this.dataSource.transaction(async (manager) => {
      const remedy = await this.visible(manager, actor, input.remedyId, true);
      const by = remedyActorOf(actor.role);
      if (!by) throw new ForbiddenError();
      checkRemedyTransition(remedy.status, input.to, by);
      const setsTerms = input.to === RemedyStatus.ORDERED || input.to === RemedyStatus.SETTLED;
      if (input.dueOn && !setsTerms) throw new InputError('dueOn', `is set by an order or settlement, not by a move to ${input.to}`);
      // A term to perform runs from the order or settlement: one ending before it is overdue at birth.
      if (input.dueOn && input.dueOn < input.on) throw new InputError('dueOn', `is before the ${input.to === RemedyStatus.ORDERED ? 'order' : 'settlement'} (${input.on})`);
      if (input.amountFen && !(setsTerms && remedy.kind === RemedyKind.COMPENSATION)) {
        throw new InputError('amountFen', 'is set by the order or settlement of a COMPENSATION');
      }
      await this.checkEventDate(manager, remedy, input.on, 'on');
      if (input.to === RemedyStatus.COMPLIED) {
        const unverified = (await this.repository.measures([remedy.id], manager)).filter((m) => m.verified_on === null).length;
        if (unverified) throw new ConflictError(`${unverified} measure(s) of the remedy are not verified yet`, { unverified });
      }
      await this.repository.transition(manager, remedy, { to: input.to, on: input.on, reason: input.reason ?? null, dueOn: input.dueOn ?? null, amountFen: input.amountFen ?? null }, actor);
      await this.record(manager, actor, 'remedy.transition', remedy.id, remedy.case_id, { from: remedy.status, to: input.to, on: input.on, dueOn: input.dueOn ?? null });
    });
    return this.get(actor, input.remedyId);
  }

  /** The court records that a measure was carried out and how that was verified. */
  async verifyMeasure(actor: Actor, input: VerifyMeasureInput): Promise<RemedyModel> {
    const remedyId = await this.dataSource.transaction(async (manager) => {
      const measure = await this.repository.findMeasure(manager, input.measureId);
      if (!measure) throw new NotFoundError('RemedyMeasure', input.measureId);
      const remedy = await this.visible(manager, actor, measure.remedy_id, true).catch((error: unknown) => {
        throw error instanceof NotFoundError ? new NotFoundError('RemedyMeasure', input.measureId) : error;
      });
      if (remedyActorOf(actor.role) !== 'COURT') throw new ForbiddenError('Compliance is verified by the court');
      if (!OWING_STATUSES.includes(remedy.status)) throw new ConflictError(`A measure is verified while the remedy is owed, not at ${remedy.status}`, { status: remedy.status });
      this.checkNotFuture(input.verifiedOn, 'verifiedOn');
      await this.repository.verifyMeasure(manager, measure.id, input.verifiedOn, input.verification);
      await this.record(manager, actor, 'remedy.verify-measure', remedy.id, remedy.case_id, { measureId: measure.id, verifiedOn: input.verifiedOn });
      return remedy.id;
    });
    return this.get(actor, remedyId);
  }

  /**
   * Evidence of compliance (proof of publication, of deletion): a description and, optionally, an
   * item of the evidence log, which must be of the remedy's case and visible to `actor`
   * (`visibleEvidence`); NOT_FOUND for an item of another case or one the caller cannot see, as
   * for a missing one; CONFLICT (`limit`) once the remedy holds REMEDY_LIMITS.evidence items.
   */
  async recordEvidence(actor: Actor, input: RecordComplianceEvidenceInput): Promise<RemedyModel> {
    await this.dataSource.transaction(async (manager) => {
      const remedy = await this.visible(manager, actor, input.remedyId, true);
      if (!remedyActorOf(actor.role)) throw new ForbiddenError();
      this.checkNotFuture(input.recordedOn, 'recordedOn');
      if (input.measureId && !(await this.repository.measures([remedy.id], manager)).some((m) => m.id === input.measureId)) {
        throw new InputError('measureId', 'is not a measure of the remedy');
      }
      if (input.evidenceItemId) {
        const item = await this.evidenceItems.get(actor, input.evidenceItemId);
        if (item.caseId !== remedy.case_id) throw new NotFoundError('EvidenceItem', input.evidenceItemId);
      }
      if ((await this.repository.evidenceCount(manager, remedy.id)) >= REMEDY_LIMITS.evidence) {
        throw new ConflictError(`A remedy holds at most ${REMEDY_LIMITS.evidence} items of compliance evidence`, { field: 'remedyId', limit: REMEDY_LIMITS.evidence });
      }
      await this.repository.insertEvidence(manager, {
        remedyId: remedy.id,
        measureId: input.measureId ?? null,
        evidenceItemId: input.evidenceItemId ?? null,
        description: input.description,
        recordedOn: input.recordedOn,
        organisationId: actor.organisationId,
        recordedBy: actor.userId,
      });
      await this.record(manager, actor, 'remedy.record-evidence', remedy.id, remedy.case_id, { measureId: input.measureId ?? null, evidenceItemId: input.evidenceItemId ?? null });
    });
    return this.get(actor, input.remedyId);
  }

  /**
   * The defendant refused to apologise (or to eliminate the impact): the court publishes the
   * judgment or a notice at the defendant's cost (Civil Code art. 1000(2)). The remedy is
   * DEFAULTED (moved there now if it was still owed) and the publication and its cost recorded.
   */
  async recordCourtPublication(actor: Actor, input: RecordCourtPublicationInput): Promise<RemedyModel> {
    await this.dataSource.transaction(async (manager) => {
      const remedy = await this.visible(manager, actor, input.remedyId, true);
      if (remedyActorOf(actor.role) !== 'COURT') throw new ForbiddenError('The court publishes a refused apology');
      if (!PUBLISHED_KINDS.includes(remedy.kind)) throw new RemedyKindError('A court publication', remedy.kind, PUBLISHED_KINDS);
      if (!REFUSABLE.includes(remedy.status)) throw new ConflictError(`A refusal is recorded once the remedy is ordered or settled, not at ${remedy.status}`, { status: remedy.status });
      if (remedy.court_published_on) throw new ConflictError('The court publication is already recorded');
      await this.checkEventDate(manager, remedy, input.refusedOn, 'refusedOn');
      if (input.publishedOn < input.refusedOn) throw new InputError('publishedOn', `${input.publishedOn} is before the refusal on ${input.refusedOn}`);
      this.checkNotFuture(input.publishedOn, 'publishedOn');
      if (remedy.status !== RemedyStatus.DEFAULTED) {
        checkRemedyTransition(remedy.status, RemedyStatus.DEFAULTED, 'COURT');
        await this.repository.transition(manager, remedy, { to: RemedyStatus.DEFAULTED, on: input.refusedOn, reason: 'refused (Civil Code art. 1000(2))', dueOn: null, amountFen: null }, actor);
      }
      await this.repository.recordCourtPublication(manager, remedy.id, input);
      await this.record(manager, actor, 'remedy.court-publication', remedy.id, remedy.case_id, {
        refusedOn: input.refusedOn, publishedOn: input.publishedOn, medium: input.medium, costFen: input.costFen,
      });
    });
    return this.get(actor, input.remedyId);
  }

  /** A payment by one defendant of a compensation; never more than it may still be made to pay. */
  async recordPayment(actor: Actor, input: RecordRemedyPaymentInput): Promise<LiabilitySchedule> {
    await this.dataSource.transaction(async (manager) => {
      const remedy = await this.visible(manager, actor, input.remedyId, true);
      if (!remedyActorOf(actor.role)) throw new ForbiddenError();
      if (remedy.kind !== RemedyKind.COMPENSATION) throw new RemedyKindError('A payment', remedy.kind, [RemedyKind.COMPENSATION]);
      if (![...OWING_STATUSES].includes(remedy.status)) throw new ConflictError(`A payment is recorded while the compensation is owed, not at ${remedy.status}`, { status: remedy.status });
      if (BigInt(input.amountFen) <= 0n) throw new InputError('amountFen', 'must be more than 0');
      this.checkNotFuture(input.paidOn, 'paidOn');
      const schedule = await this.schedule(manager, remedy);
      const line = schedule.lines.find((l) => l.defendant.partyId === input.partyId);
      if (!line) throw new InputError('partyId', 'is not a defendant of the remedy');
      if (BigInt(input.amountFen) > BigInt(line.remainingFen)) {
        throw new ConflictError(`The payment exceeds what the defendant may still be made to pay (${line.remainingFen} fen)`, { remainingFen: line.remainingFen });
      }
      await this.repository.insertPayment(manager, { ...input, organisationId: actor.organisationId, recordedBy: actor.userId });
      await this.record(manager, actor, 'remedy.payment', remedy.id, remedy.case_id, { partyId: input.partyId, amountFen: input.amountFen, paidOn: input.paidOn });
    });
    return this.liabilitySchedule(actor, input.remedyId);
  }

  /** The per-defendant schedule of a compensation remedy (rules/liability.ts). */
  async liabilitySchedule(actor: Actor, remedyId: string): Promise<LiabilitySchedule> {
    const remedy = await this.visible(this.dataSource.manager, actor, remedyId);
    if (remedy.kind !== RemedyKind.COMPENSATION) throw new RemedyKindError('A liability schedule', remedy.kind, [RemedyKind.COMPENSATION]);
    return this.schedule(this.dataSource.manager, remedy);
  }

  private async schedule(manager: EntityManager, remedy: RemedyRow): Promise<LiabilitySchedule> {
    const defendants = await this.repository.defendants([remedy.id], manager);
    const paid = await this.repository.paidByDefendant(remedy.id, manager);
    // A dismissed claim is owed by no one (CPL (2023) art. 155): the schedule shows nothing to pay.
    const total = remedy.status === RemedyStatus.DISMISSED ? 0n : BigInt(remedy.amount_fen!);
    const lines = liabilitySchedule(
      total,
      defendants.map((d) => ({ partyId: d.party_id, extent: d.extent, shareBasisPoints: d.share_basis_points })),
      paid,
    );
    const paidAll = lines.reduce((sum, l) => sum + l.paidFen, 0n);
    return {
      remedyId: remedy.id,
      totalFen: total.toString(),
      paidFen: paidAll.toString(),
      outstandingFen: (total > paidAll ? total - paidAll : 0n).toString(),
      lines: lines.map((l, i) => ({
        defendant: toDefendant(defendants[i]),
        answersForFen: l.answersForFen.toString(),
        paidFen: l.paidFen.toString(),
        remainingFen: l.remainingFen.toString(),
      })),
    };
  }

  /** The remedy if `actor` may see its case; NOT_FOUND (as for a missing one) otherwise. */
  private async visible(manager: EntityManager, actor: Actor, remedyId: string, lock = false): Promise<RemedyRow> {
    const row = await this.repository.find(manager, remedyId, this.clock.today(), lock);
    if (!row) throw new NotFoundError('Remedy', remedyId);
    await this.cases.get(actor, row.case_id).catch((error: unknown) => {
      throw error instanceof NotFoundError ? new NotFoundError('Remedy', remedyId) : error;
    });
    return row;
  }

  /** The fields each kind takes (domain.md section 5). */
  private checkKindFields(input: SeekRemedyInput): void {
    const given = (field: 'medium' | 'durationDays' | 'approvedText' | 'amountFen' | 'measures') => input[field] !== undefined && input[field] !== null;
    const refuse = (field: 'medium' | 'durationDays' | 'approvedText' | 'amountFen' | 'measures') => {
      if (given(field)) throw new InputError(field, `does not apply to a ${input.kind} remedy`);
    };
    if (input.kind === RemedyKind.COMPENSATION) {
      if (!given('amountFen')) throw new InputError('amountFen', 'is required for a COMPENSATION remedy');
    } else refuse('amountFen');
    if (MEASURED_KINDS.includes(input.kind)) {
      if (!input.measures?.length) throw new InputError('measures', `a ${input.kind} remedy needs at least one measure`);
    } else refuse('measures');
    if (PUBLISHED_KINDS.includes(input.kind)) {
      if (input.kind === RemedyKind.APOLOGY && !given('medium')) throw new InputError('medium', 'is required for an APOLOGY');
    } else {
      refuse('medium');
      refuse('durationDays');
    }
    if (input.kind !== RemedyKind.APOLOGY) refuse('approvedText');
  }

  private checkNotFuture(date: string, field: string): void {
    const today = this.clock.today();
    if (date > today) throw new InputError(field, `${date} is in the future (today is ${today} in Asia/Shanghai)`);
  }

  private async checkEventDate(manager: EntityManager, remedy: RemedyRow, on: string, field: string): Promise<void> {
    this.checkNotFuture(on, field);
    const last = await this.repository.lastEventDate(manager, remedy.id);
    if (on < last) throw new InputError(field, `${on} is before the remedy's previous event on ${last}`);
  }

  private record(manager: EntityManager, actor: Actor, action: string, remedyId: string, caseId: string, details: Record<string, unknown>): Promise<void> {
    return this.audit.record(manager, actor, { action, subjectType: 'Remedy', subjectId: remedyId, caseId, details });
  }

  /** The models of a page of remedies: defendants, measures, evidence and warnings in one query each. */
  private async toModels(rows: RemedyRow[]): Promise<RemedyModel[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [defendants, measures, evidence, people] = await Promise.all([
      this.repository.defendants(ids).then(groupBy),
      this.repository.measures(ids).then(groupBy),
      this.repository.evidence(ids).then(groupBy),
      this.repository.peopleAffected([...new Set(rows.map((r) => r.case_id))]),
    ]);
    const today = this.clock.today();
    return rows.map((r) => this.toModel(r, defendants.get(r.id) ?? [], measures.get(r.id) ?? [], evidence.get(r.id) ?? [], people.get(r.case_id) ?? null, today));
  }

  private toModel(r: RemedyRow, defendants: RemedyDefendantRow[], measures: RemedyMeasureRow[], evidence: RemedyEvidenceRow[], people: number | null, today: string): RemedyModel {
    const owing = OWING_STATUSES.includes(r.status);
    return {
      id: r.id,
      caseId: r.case_id,
      kind: r.kind,
      status: r.status,
      statusOn: r.status_on,
      soughtOn: r.sought_on,
      description: r.description,
      dueOn: r.due_on,
      overdue: r.overdue,
      medium: r.medium,
      isPublic: r.medium === null ? null : !PRIVATE_MEDIA.includes(r.medium),
      durationDays: r.duration_days,
      approvedText: r.approved_text,
      amountFen: r.amount_fen,
      courtPublication: r.court_published_on
        ? { refusedOn: r.refused_on!, publishedOn: r.court_published_on, medium: r.court_publication_medium!, costFen: r.court_publication_cost_fen! }
        : null,
      defendants: defendants.map(toDefendant),
      measures: measures.map((m) => ({
        id: m.id,
        description: m.description,
        scope: m.scope,
        dueOn: m.due_on,
        verifiedOn: m.verified_on,
        verification: m.verification,
        overdue: isDueOverdue(m.due_on, owing && m.verified_on === null, today),
      })),
      evidence: evidence.map((e) => ({ id: e.id, measureId: e.measure_id, evidenceItemId: e.evidence_item_id, description: e.description, recordedOn: e.recorded_on })),
      proportionalityWarnings: checkProportionality({ kind: r.kind, medium: r.medium, durationDays: r.duration_days, peopleAffected: people }),
    };
  }
}
