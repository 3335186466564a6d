import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  type Actor,
  AdministrativeLevel,
  AuditService,
  ConflictError,
  type Connection,
  ForbiddenError,
  InputError,
  isUniqueViolation,
  NotFoundError,
  OrganisationKind,
  Role,
} from '@app/platform';
import { LeakIncidentsRepository } from '@app/leaks';
import { PartiesFixedError } from './case.errors';
import type {
  AddAgencyInput,
  AddCaseOrganisationInput,
  AddDefendantInput,
  CasesArgs,
  DefendantInput,
  ElectRepresentativesInput,
  LinkLeakIncidentInput,
  OpenCaseInput,
  PartyServiceInput,
  RecordAgencyResponseInput,
  TransitionCaseInput,
} from './case.inputs';
import type { CaseModel } from './case.model';
import { CasesRepository, type NewParty } from './cases.repository';
import { Clock } from './clock';
import { DeadlinesRepository, type DeadlineRow } from './deadlines.repository';
import { DeadlinesService } from './deadlines.service';
import { checkCaseLimit } from './rules/case-limits';
import { CasePartyRole, CaseStage, CaseType, PRE_FILING_STAGES } from './rules/case-types';
import { SERVED_ON_EACH_PARTY } from './rules/deadline-rules';
import { checkFirstInstanceProcedure } from './rules/procedure';
import { checkGate, findTransition, PERIOD_GATES, type TransitionActor, TransitionGate } from './rules/stages';
import {
  checkAgencyAllowed,
  checkPlaintiff,
  checkReadyAfterRegistration,
  checkReadyToFile,
  checkRepresentativeCount,
  checkSupporter,
  mayElectRepresentativesAt,
} from './rules/standing';

interface OrganisationRow {
  id: string;
  kind: OrganisationKind;
  level: AdministrativeLevel | null;
}

/** Roles that may record each kind of transition (see TransitionActor). */
const TRANSITION_ROLES: Record<TransitionActor, readonly Role[]> = {
  PLAINTIFF_SIDE: [Role.PROCURATOR, Role.ASSOCIATION_STAFF],
  PROCURATOR: [Role.PROCURATOR],
  COURT: [Role.JUDGE],
};

/**
 * The open deadline a gate waits for: of several (one per party served, CPL (2023) art. 171),
 * the one that ends last, as the case's period ends with the last party's; a provisional one
 * first among equals.
 */
function governingDeadline(open: DeadlineRow[]): DeadlineRow | undefined {
  return open.reduce<DeadlineRow | undefined>(
    (last, d) => (!last || d.due > last.due || (d.due === last.due && d.provisional && !last.provisional) ? d : last),
    undefined,
  );
}

/** Parties are shaped by the plaintiff side until filing (see PartiesFixedError). */
const beforeFiling = (found: CaseModel) => PRE_FILING_STAGES.includes(found.stage);

const defendantParty = (d: DefendantInput): NewParty => ({
  role: CasePartyRole.DEFENDANT,
  name: d.name,
  creditCode: d.unifiedSocialCreditCode ?? null,
  handlerRole: d.role,
  liabilityBasis: d.liabilityBasis,
});

/**
 * Cases and their procedure. Every mutation is one transaction that locks the case row, checks
 * the caller may see the case (NOT_FOUND otherwise, whether or not it exists), checks role,
 * standing and stage, writes, and records an audit event carrying the case id.
 */
@Injectable()
export class CasesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cases: CasesRepository,
    private readonly deadlineRows: DeadlinesRepository,
    private readonly deadlines: DeadlinesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly incidents: LeakIncidentsRepository,
  ) {}

  async get(actor: Actor, id: string): Promise<CaseModel> {
    const found = await this.cases.findVisible(actor, id);
    if (!found) throw new NotFoundError('Case', id);
    return found;
  }

  list(actor: Actor, args: CasesArgs): Promise<Connection<CaseModel>> {
    return this.cases.list(actor, args.filter ?? {}, args.first, args.after, this.clock.today());
  }

  open(actor: Actor, input: OpenCaseInput): Promise<CaseModel> {
    const representative = input.type === CaseType.REPRESENTATIVE_ACTION;
    const plaintiffIds = input.plaintiffOrganisationIds ?? (representative ? [] : [actor.organisationId]);
    const supporterId = input.supportingOrganisationId ?? (representative ? actor.organisationId : undefined);
    if (input.claimantsNumberUncertain && !representative) {
      throw new InputError('claimantsNumberUncertain', 'applies to representative actions only');
    }
    if (input.type === CaseType.ADMINISTRATIVE_PUBLIC_INTEREST && input.defendants?.length) {
      throw new InputError('defendants', 'an administrative public-interest case is brought against the agency: give it as agency');
    }
    if (!plaintiffIds.includes(actor.organisationId) && supporterId !== actor.organisationId) {
      throw new ForbiddenError('Your organisation must be a plaintiff or the supporter of a case it opens');
    }

    return this.dataSource.transaction(async (manager) => {
      const organisations = await this.organisations(manager, [input.courtId, ...plaintiffIds, ...(supporterId ? [supporterId] : [])]);
      if (organisations.get(input.courtId)!.kind !== OrganisationKind.COURT) throw new InputError('courtId', 'must be a court');
      plaintiffIds.forEach((id) => checkPlaintiff(input.type, organisations.get(id)!));
      if (supporterId) checkSupporter(input.type, organisations.get(supporterId)!);
      if (input.agency) checkAgencyAllowed(input.type, 0);
      const incidentIds = input.incidentIds ?? [];
      await this.requireVisibleIncidents(manager, actor, incidentIds);

      const opened = await this.cases.insertCase(manager, {
        type: input.type,
        title: input.title,
        courtId: input.courtId,
        openedByOrganisationId: actor.organisationId,
        openedBy: actor.userId,
        claimantsNumberUncertain: input.claimantsNumberUncertain ?? false,
      });
      await this.cases.insertParties(manager, opened.id, [
        ...plaintiffIds.map((organisationId) => ({ role: CasePartyRole.PLAINTIFF, organisationId })),
        ...(supporterId ? [{ role: CasePartyRole.SUPPORTER, organisationId: supporterId }] : []),
        ...(input.defendants ?? []).map(defendantParty),
        ...(input.agency ? [{ role: CasePartyRole.AGENCY, name: input.agency.name, creditCode: input.agency.unifiedSocialCreditCode ?? null }] : []),
      ]);
      await this.cases.linkIncidents(manager, opened.id, incidentIds);
      await this.audit.record(manager, actor, {
        action: 'case.open',
        subjectType: 'Case',
        subjectId: opened.id,
        caseId: opened.id,
        details: {
          type: input.type,
          courtId: input.courtId,
          plaintiffOrganisationIds: plaintiffIds,
          supportingOrganisationId: supporterId ?? null,
          defendants: input.defendants?.length ?? 0,
          agency: Boolean(input.agency),
          incidentIds,
        },
      });
      return opened;
    });
  }

  addOrganisation(actor: Actor, input: AddCaseOrganisationInput): Promise<CaseModel> {
    return this.changeParties(actor, input.caseId, 'case.add-organisation', beforeFiling, async (manager, found) => {
      const organisation = (await this.organisations(manager, [input.organisationId])).get(input.organisationId)!;
      const role = input.role === 'PLAINTIFF' ? CasePartyRole.PLAINTIFF : CasePartyRole.SUPPORTER;
      if (role === CasePartyRole.PLAINTIFF) {
        checkPlaintiff(found.type, organisation);
        checkCaseLimit('plaintiffs', (await this.cases.partyCounts(manager, found.id)).plaintiffs, 1, 'organisationId');
      } else {
        checkSupporter(found.type, organisation);
        if ((await this.cases.partyCounts(manager, found.id)).supporters > 0) {
          throw new ConflictError('The case already has a supporting organisation', { field: 'role' });
        }
      }
      await this.cases.insertParties(manager, found.id, [{ role, organisationId: organisation.id }]).catch((error: unknown) => {
        if (isUniqueViolation(error, 'case_party_organisation_key')) {
          throw new ConflictError(`The organisation is already a ${role} of this case`, { field: 'organisationId' });
        }
        throw error;
      });
      return { role, organisationId: organisation.id };
    });
  }

  addDefendant(actor: Actor, input: AddDefendantInput): Promise<CaseModel> {
    return this.changeParties(actor, input.caseId, 'case.add-defendant', beforeFiling, async (manager, found) => {
      if (found.type === CaseType.ADMINISTRATIVE_PUBLIC_INTEREST) {
        throw new InputError('defendant', 'an administrative public-interest case is brought against the agency: use addAgency');
      }
      checkCaseLimit('defendants', (await this.cases.partyCounts(manager, found.id)).defendants, 1, 'defendant');
      await this.cases.insertParties(manager, found.id, [defendantParty(input.defendant)]);
      return { handlerRole: input.defendant.role, liabilityBasis: input.defendant.liabilityBasis };
    });
  }

  addAgency(actor: Actor, input: AddAgencyInput): Promise<CaseModel> {
    return this.changeParties(actor, input.caseId, 'case.add-agency', beforeFiling, async (manager, found) => {
      checkAgencyAllowed(found.type, (await this.cases.partyCounts(manager, found.id)).agencies);
      await this.cases.insertParties(manager, found.id, [
        { role: CasePartyRole.AGENCY, name: input.agency.name, creditCode: input.agency.unifiedSocialCreditCode ?? null },
      ]);
      return {};
    });
  }

  /**
   * Replaces the elected representatives of a representative action: before filing, or during
   * registration when the number of claimants is uncertain (mayElectRepresentativesAt).
   */
  electRepresentatives(actor: Actor, input: ElectRepresentativesInput): Promise<CaseModel> {
    const allowedAt = (found: CaseModel) => mayElectRepresentativesAt(found.stage, found.claimantsNumberUncertain);
    return this.changeParties(actor, input.caseId, 'case.elect-representatives', allowedAt, async (manager, found) => {
      checkRepresentativeCount(found.type, input.references.length);
      await this.cases.deleteParties(manager, found.id, CasePartyRole.REPRESENTATIVE);
      await this.cases.insertParties(
        manager,
        found.id,
        input.references.map((name) => ({ role: CasePartyRole.REPRESENTATIVE, name })),
      );
      return { representatives: input.references.length };
    });
  }

  linkIncident(actor: Actor, input: LinkLeakIncidentInput): Promise<CaseModel> {
    return this.dataSource.transaction(async (manager) => {
      const found = await this.lockVisible(manager, actor, input.caseId);
      if (found.stage === CaseStage.CLOSED) throw new ConflictError('The case is closed', { stage: found.stage });
      await this.requireVisibleIncidents(manager, actor, [input.incidentId]);
      checkCaseLimit('incidents', await this.cases.otherIncidentCount(manager, found.id, input.incidentId), 1, 'incidentId');
      await this.cases.linkIncidents(manager, found.id, [input.incidentId]);
      await this.audit.record(manager, actor, {
        action: 'case.link-incident',
        subjectType: 'Case',
        subjectId: found.id,
        caseId: found.id,
        details: { incidentId: input.incidentId },
      });
      return found;
    });
  }

  /**
   * Moves a case to `input.to` as its type's stage machine allows: checks the role, the event
   * date (not in the future, not before the previous event), the gates, and at filing the
   * parties; closes the deadlines of the stage left and opens the one the event starts.
   */
  transition(actor: Actor, input: TransitionCaseInput): Promise<CaseModel> {
    return this.dataSource.transaction(async (manager) => {
      const found = await this.lockVisible(manager, actor, input.caseId);
      const transition = findTransition(found.type, found.stage, input.to);
      if (!TRANSITION_ROLES[transition.by].includes(actor.role)) {
        throw new ForbiddenError(`Moving a ${found.type} case from ${found.stage} to ${input.to} is for ${TRANSITION_ROLES[transition.by].join(' or ')}`);
      }
      await this.checkEventDate(manager, found.id, input.on, 'on');
      const given = (['urgent', 'days', 'procedure'] as const).find((option) => input[option] !== undefined && input[option] !== null);
      if (!transition.opens && given) throw new InputError(given, `does not apply to a move to ${input.to}: it starts no deadline`);
      if (input.procedure) checkFirstInstanceProcedure(found.type, input.procedure);
      if (input.servedOn && !(transition.opens && SERVED_ON_EACH_PARTY.includes(transition.opens))) {
        throw new InputError('servedOn', `does not apply to a move to ${input.to}: it starts no period counted from service on each party`);
      }
      if (input.servedOn) await this.checkService(manager, found.id, input.on, input.servedOn);

      const open = await this.deadlineRows.open(manager, found.id);
      const governing = governingDeadline(open);
      const facts = {
        type: found.type,
        from: found.stage,
        to: input.to,
        on: input.on,
        procuratoratePlaintiff: await this.cases.hasProcuratoratePlaintiff(manager, found.id),
        claimantsNumberUncertain: found.claimantsNumberUncertain,
        openDeadline: governing && { rule: governing.rule, due: governing.due, source: governing.source, provisionalReason: governing.provisional_reason },
        confirmProvisionalEnd: input.confirmProvisionalEnd === true,
        agencyResponse: found.agencyResponse ? { on: found.agencyResponse.respondedOn, adequate: found.agencyResponse.adequate } : undefined,
        pendingExtensionApplications: transition.gates?.includes(TransitionGate.EVIDENCE_PERIOD_EXPIRED)
          ? await this.cases.pendingExtensionApplications(manager, found.id)
          : 0,
      };
      (transition.gates ?? []).forEach((gate) => checkGate(gate, facts));
      if (input.to === CaseStage.FILED) {
        checkReadyToFile(found.type, await this.cases.partyCounts(manager, found.id), found.claimantsNumberUncertain);
      }
      if (found.stage === CaseStage.REGISTRATION) checkReadyAfterRegistration(found.type, await this.cases.partyCounts(manager, found.id));

      await this.deadlineRows.closeOpen(manager, found.id, input.on);
      await this.cases.recordTransition(manager, found.id, {
        from: found.stage,
        to: input.to,
        on: input.on,
        actorId: actor.userId,
        organisationId: actor.organisationId,
        filedOn: input.to === CaseStage.FILED ? input.on : undefined,
      });
      const options = { urgent: input.urgent, days: input.days, procedure: input.procedure };
      if (transition.opens && input.servedOn) {
        for (const service of input.servedOn) {
          await this.deadlines.open(manager, found.id, transition.opens, service.servedOn, options, service.partyId);
        }
      } else if (transition.opens) {
        await this.deadlines.open(manager, found.id, transition.opens, input.on, options);
      }
      // A confirmation is recorded only where a gate needed it: the step rests on a provisional end.
      const confirmed = input.confirmProvisionalEnd && governing?.provisional && (transition.gates ?? []).some((g) => PERIOD_GATES.includes(g));
      await this.audit.record(manager, actor, {
        action: 'case.transition',
        subjectType: 'Case',
        subjectId: found.id,
        caseId: found.id,
        details: {
          from: found.stage,
          to: input.to,
          on: input.on,
          opens: transition.opens ?? null,
          ...(input.servedOn && { servedOn: input.servedOn.map((s) => ({ partyId: s.partyId, servedOn: s.servedOn })) }),
          ...(confirmed && {
            confirmedProvisionalEnd: { rule: governing.rule, due: governing.due, provisionalReason: governing.provisional_reason },
          }),
        },
      });
      return (await this.cases.findVisible(actor, found.id, manager))!;
    });
  }

  /** The agency's written response to a procuratorial recommendation (SPC/SPP PIL interpretation art. 21). */
  recordAgencyResponse(actor: Actor, input: RecordAgencyResponseInput): Promise<CaseModel> {
    return this.dataSource.transaction(async (manager) => {
      const found = await this.lockVisible(manager, actor, input.caseId);
      if (found.type !== CaseType.ADMINISTRATIVE_PUBLIC_INTEREST || found.stage !== CaseStage.RECOMMENDATION) {
        throw new ConflictError('An agency response is recorded for an administrative public-interest case at RECOMMENDATION', {
          stage: found.stage,
        });
      }
      await this.checkEventDate(manager, found.id, input.respondedOn, 'respondedOn');
      await this.cases.recordAgencyResponse(manager, found.id, input.respondedOn, input.adequate);
      await this.audit.record(manager, actor, {
        action: 'case.record-agency-response',
        subjectType: 'Case',
        subjectId: found.id,
        caseId: found.id,
        details: { respondedOn: input.respondedOn, adequate: input.adequate },
      });
      return (await this.cases.findVisible(actor, found.id, manager))!;
    });
  }

  /**
   * Runs a party change while `allowedAt` holds (by default: before filing), audited as `action`
   * with the facts `change` returns.
   */
  private changeParties(
    actor: Actor,
    caseId: string,
    action: string,
    allowedAt: (found: CaseModel) => boolean,
    change: (manager: EntityManager, found: CaseModel) => Promise<Record<string, unknown>>,
  ): Promise<CaseModel> {
    return this.dataSource.transaction(async (manager) => {
      const found = await this.lockVisible(manager, actor, caseId);
      if (!allowedAt(found)) throw new PartiesFixedError(found.stage);
      const details = await change(manager, found);
      await this.audit.record(manager, actor, { action, subjectType: 'Case', subjectId: found.id, caseId: found.id, details });
      return found;
    });
  }

  /** The case if `actor` may see it, its row locked in `manager`'s transaction (serialising acts on the case); NOT_FOUND otherwise. */
  async lockVisible(manager: EntityManager, actor: Actor, caseId: string): Promise<CaseModel> {
    const found = await this.cases.findVisible(actor, caseId, manager, true);
    if (!found) throw new NotFoundError('Case', caseId);
    return found;
  }

  /**
   * The service of a judgment or ruling on each party (CPL (2023) art. 171): every party of the
   * case but the supporting organisation (a supporter is no party to the judgment, CPL art. 15),
   * each once, served on or after the event `on` and not in the future.
   */
  private async checkService(manager: EntityManager, caseId: string, on: string, service: PartyServiceInput[]): Promise<void> {
    const parties = (await this.cases.partiesByCaseIds([caseId], manager)).filter((p) => p.role !== CasePartyRole.SUPPORTER);
    const served = new Set<string>();
    service.forEach((s, index) => {
      const field = `servedOn[${index}]`;
      if (!parties.some((p) => p.id === s.partyId)) throw new InputError(`${field}.partyId`, 'is not a party of the case served with the judgment');
      if (served.has(s.partyId)) throw new InputError(`${field}.partyId`, 'is listed twice');
      served.add(s.partyId);
      if (s.servedOn < on) throw new InputError(`${field}.servedOn`, `${s.servedOn} is before the event on ${on}`);
      const today = this.clock.today();
      if (s.servedOn > today) throw new InputError(`${field}.servedOn`, `${s.servedOn} is in the future (today is ${today} in Asia/Shanghai)`);
    });
    const missing = parties.find((p) => !served.has(p.id));
    if (missing) throw new InputError('servedOn', `has no service on party ${missing.id} (${missing.role}): each party's period runs from its own service`);
  }

  /** An event is dated today or earlier, and not before the case's previous event. */
  private async checkEventDate(manager: EntityManager, caseId: string, on: string, field: string): Promise<void> {
    const today = this.clock.today();
    if (on > today) throw new InputError(field, `${on} is in the future (today is ${today} in Asia/Shanghai)`);
    const last = await this.cases.lastEventDate(manager, caseId);
    if (last && on < last) throw new InputError(field, `${on} is before the case's previous event on ${last}`);
  }

  /** The organisations by id; NOT_FOUND naming the first id that does not exist. */
  private async organisations(manager: EntityManager, ids: string[]): Promise<Map<string, OrganisationRow>> {
    const rows: OrganisationRow[] = await manager.query(`SELECT id, kind, level FROM organisation WHERE id = ANY($1::uuid[])`, [ids]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    const missing = ids.find((id) => !byId.has(id));
    if (missing) throw new NotFoundError('Organisation', missing);
    return byId;
  }

  /**
   * NOT_FOUND for an incident the caller may not see (visibleIncident): an organisation links to
   * its case the incidents it registered, was shared or sees through a published announcement or
   * another of its cases.
   */
  private async requireVisibleIncidents(manager: EntityManager, actor: Actor, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const found = await this.incidents.visibleIds(manager, actor, ids);
    const missing = ids.find((id) => !found.has(id));
    if (missing) throw new NotFoundError('LeakIncident', missing);
  }
}
