import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  type Actor,
  AuditService,
  CASE_VISIBILITY,
  type CaseVisibility,
  caseMemberView,
  type Connection,
  InputError,
  NotFoundError,
  ownEnrolments,
  Role,
  SqlParams,
  visibleIncident,
} from '@app/platform';
import { AlreadyEnrolledError, UNKNOWN_INCIDENT } from './claimant.errors';
import type { EnrolClaimantInput } from './claimant.inputs';
import type { Claimant, ClaimantCounts, ClaimantIdentity, Exposure, ExposureBasis, ExposureCounts } from './claimant.model';
import { ClaimantsRepository } from './claimants.repository';
import { MatchingJobs } from './datasets/matching.jobs';
import { sealEnrolment, SEALED_FIELDS } from './enrolment-record';
import { VaultService } from './vault/vault.service';

/** Enrolment, the organisation's view of its claimants, and the audited unmask. */
@Injectable()
export class ClaimantsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: ClaimantsRepository,
    private readonly vault: VaultService,
    private readonly audit: AuditService,
    private readonly matching: MatchingJobs,
    @Inject(CASE_VISIBILITY) private readonly cases: CaseVisibility,
  ) {}

  /**
   * Enrols one person for the caller's organisation: the claimant is found or created by the blind
   * index of their ID number (dedupe across organisations), the enrolment, harms and declared
   * exposures are written in one transaction with the audit row, and a rematch against imported
   * datasets is queued. The answer carries the warnings of the values' normalisation.
   */
  async enrol(actor: Actor, input: EnrolClaimantInput): Promise<Claimant> {
    const result = sealEnrolment(this.vault, {
      name: input.name,
      idNumber: input.idNumber,
      phone: input.phone,
      email: input.email,
      address: input.address,
      consentGivenAt: input.consent.givenAt,
      consentMethod: input.consent.method,
      consentScopes: input.consent.scopes,
      harms: input.harms,
      incidentIds: input.incidentIds,
    });
    if ('problem' in result) throw new InputError(`input.${result.problem.field}`, result.problem.reason);
    const { sealed, warnings } = result;

    return this.dataSource.transaction(async (manager) => {
      const unknown = await this.repository.invisibleIncidents(manager, actor, sealed.incidentIds);
      if (unknown.length) throw new InputError('input.incidentIds', UNKNOWN_INCIDENT, { unknown });
      // Only a case the caller may see: another organisation's case is as unknown as a missing one.
      if (input.caseId && !(await this.cases.canSee(actor, input.caseId))) throw new NotFoundError('Case', input.caseId);
      const claimantId = await this.repository.upsertClaimant(manager, sealed);
      const enrolmentId = await this.repository.insertEnrolment(
        manager, claimantId, actor.organisationId, actor.userId, input.caseId ?? null, sealed, input.declaredDataCategories,
      );
      if (!enrolmentId) throw new AlreadyEnrolledError(claimantId);
      await this.repository.insertHarms(manager, claimantId, enrolmentId, sealed.harms);
      await this.repository.insertDeclaredExposures(manager, claimantId, sealed.incidentIds);
      await this.audit.record(manager, actor, {
        action: 'claimant.enrol',
        subjectType: 'Claimant',
        subjectId: claimantId,
        caseId: input.caseId ?? null,
        details: { enrolmentId, incidents: sealed.incidentIds.length, harms: sealed.harms.map((h) => h.type) },
      });
      await this.matching.queueRematch(manager, actor);
      const claimant = await this.repository.findVisible(ownEnrolments(actor), claimantId, manager);
      return { ...claimant!, enrolmentWarnings: warnings.map((w) => ({ field: `input.${w.field}`, code: w.code, message: w.message })) };
    });
  }

  /** NOT_FOUND unless the caller's organisation enrolled this claimant. */
  async get(actor: Actor, claimantId: string): Promise<Claimant> {
    const claimant = await this.repository.findVisible(ownEnrolments(actor), claimantId);
    if (!claimant) throw new NotFoundError('Claimant', claimantId);
    return claimant;
  }

  list(actor: Actor, first: number, after?: string, incidentId?: string): Promise<Connection<Claimant>> {
    return this.repository.list(ownEnrolments(actor), first, after, incidentId);
  }

  /**
   * The plaintext identifiers, decrypted from the caller's own organisation's enrolment only;
   * the read is recorded in the audit log in the same transaction (no audit row, no data).
   */
  async unmask(actor: Actor, claimantId: string, reason: string): Promise<ClaimantIdentity> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.repository.sealedIdentity(manager, ownEnrolments(actor), claimantId);
      if (!row) throw new NotFoundError('Claimant', claimantId);
      await this.audit.record(manager, actor, {
        action: 'claimant.unmask',
        subjectType: 'Claimant',
        subjectId: claimantId,
        details: { enrolmentId: row.enrolment_id, reason },
      });
      return {
        claimantId,
        name: this.vault.decrypt(row.name_enc, SEALED_FIELDS.name),
        idNumber: this.vault.decrypt(row.id_number_enc, SEALED_FIELDS.idNumber),
        phone: this.vault.decrypt(row.phone_enc, SEALED_FIELDS.phone),
        email: row.email_enc ? this.vault.decrypt(row.email_enc, SEALED_FIELDS.email) : null,
        address: row.address_enc ? this.vault.decrypt(row.address_enc, SEALED_FIELDS.address) : null,
      };
    });
  }

  counts(actor: Actor): Promise<ClaimantCounts> {
    return this.repository.counts(ownEnrolments(actor), actor.role === Role.ADMIN);
  }

  /**
   * Exposures of the caller's own enrollees to an incident it may see, on `basis` only when given;
   * NOT_FOUND otherwise, as for a missing one.
   */
  async incidentExposures(actor: Actor, incidentId: string, first: number, after?: string, basis?: ExposureBasis): Promise<Connection<Exposure>> {
    await this.assertIncidentVisible(actor, incidentId);
    return this.repository.exposuresOfIncident(ownEnrolments(actor), incidentId, first, after, basis);
  }

  /** NOT_FOUND unless the caller may see the incident (as for a missing one); counts in its view. */
  async incidentExposureCounts(actor: Actor, incidentId: string): Promise<ExposureCounts> {
    await this.assertIncidentVisible(actor, incidentId);
    return this.repository.exposureCounts(caseMemberView(actor), ownEnrolments(actor), incidentId);
  }

  /** NOT_FOUND, exactly as for a missing incident, unless `actor` may see the incident. */
  private async assertIncidentVisible(actor: Actor, incidentId: string): Promise<void> {
    const p = new SqlParams();
    const [visible] = await this.dataSource.query(
      `SELECT 1 FROM leak_incident i WHERE i.id = ${p.add(incidentId)} AND ${visibleIncident(actor, 'i', p)}`,
      p.values,
    );
    if (!visible) throw new NotFoundError('LeakIncident', incidentId);
  }
}
