import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type Actor, AuditService, ConflictError, type Connection, InputError, NotFoundError, OrganisationsService, Role, roleOfOrganisationKind } from '@app/platform';
import { Clock } from './clock';
import { involvesSensitiveData } from './rules/data-categories';
import { type LeakIncident, type LeakIncidentsArgs, MAX_INCIDENT_SHARES, type RegisterLeakIncidentInput, type ShareLeakIncidentInput } from './leak-incident.model';
import { LeakIncidentsRepository } from './leak-incidents.repository';

/** The roles of the organisations an incident may be shared with: the plaintiff side, which may enrol and sue. */
const SHARE_ROLES: readonly Role[] = [Role.PROCURATOR, Role.ASSOCIATION_STAFF];

/**
 * Registering, sharing and finding leak incidents. Who sees one is the visibility policy's
 * (visibleIncident): its registrant, the organisations it shares it with, every eligible
 * organisation once a pre-litigation announcement over it is published, the parties and court of
 * a case linked to it.
 */
@Injectable()
export class LeakIncidentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: LeakIncidentsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly organisations: OrganisationsService,
  ) {}

  register(actor: Actor, input: RegisterLeakIncidentInput): Promise<LeakIncident> {
    if (input.exposureEnd && input.exposureEnd < input.exposureStart) {
      throw new InputError('exposureEnd', 'must not be before exposureStart');
    }
    const today = this.clock.today();
    if (input.discoveredOn > today) {
      throw new InputError('discoveredOn', `${input.discoveredOn} is in the future (today is ${today} in Asia/Shanghai)`);
    }
    return this.dataSource.transaction(async (manager) => {
      const incident = await this.repository.insert(manager, {
        organisation_id: actor.organisationId,
        created_by: actor.userId,
        handler_name: input.handler.name,
        handler_credit_code: input.handler.unifiedSocialCreditCode ?? null,
        handler_role: input.handler.role,
        data_categories: input.dataCategories,
        involves_sensitive_data: involvesSensitiveData(input.dataCategories),
        exposure_start: input.exposureStart,
        exposure_end: input.exposureEnd ?? null,
        discovered_on: input.discoveredOn,
        discovery_channel: input.discoveryChannel,
        estimated_records: input.estimatedRecords === undefined ? null : String(input.estimatedRecords),
        estimated_people: input.estimatedPeople === undefined ? null : String(input.estimatedPeople),
      });
      await this.audit.record(manager, actor, {
        action: 'leak-incident.register',
        subjectType: 'LeakIncident',
        subjectId: incident.id,
        details: { handlerRole: incident.handler.role, discoveryChannel: incident.discoveryChannel, categories: input.dataCategories },
      });
      return incident;
    });
  }

  /**
   * Shares an incident the caller's organisation registered with `organisationIds` (the plaintiff
   * side: procuratorates, consumer associations, designated organisations), which may then see it,
   * enrol claimants against it and link it to their cases; its facts only, never anyone's
   * enrolments or matches. Audited (`leak-incident.share`, the organisations newly shared with).
   * NOT_FOUND, as for a missing one, for an incident another organisation registered;
   * BAD_USER_INPUT on `organisationIds.<i>` for an unknown organisation, a court or operator, or
   * the caller's own; CONFLICT (field `organisationIds`, `limit`) when the incident would be
   * shared with more than MAX_INCIDENT_SHARES organisations. Sharing again with an organisation
   * changes nothing.
   */
  share(actor: Actor, input: ShareLeakIncidentInput): Promise<LeakIncident> {
    return this.dataSource.transaction(async (manager) => {
      await this.requireOwn(manager, actor, input.incidentId);
      await this.requireShareable(actor, input.organisationIds);
      const added = await this.repository.share(manager, input.incidentId, input.organisationIds, actor.userId);
      // The incident's row is locked (requireOwn): no concurrent share passes this count.
      if ((await this.repository.shareCount(manager, input.incidentId)) > MAX_INCIDENT_SHARES) {
        throw new ConflictError(`An incident is shared with at most ${MAX_INCIDENT_SHARES} organisations`, { field: 'organisationIds', limit: MAX_INCIDENT_SHARES });
      }
      return this.recorded(manager, actor, 'leak-incident.share', input.incidentId, added);
    });
  }

  /**
   * Stops sharing an incident the caller's organisation registered with `organisationIds`; an
   * organisation may still see it another way (a case of its own over it, a published
   * announcement). Its enrolments stay. Audited (`leak-incident.unshare`, those it was shared
   * with). Errors as share.
   */
  unshare(actor: Actor, input: ShareLeakIncidentInput): Promise<LeakIncident> {
    return this.dataSource.transaction(async (manager) => {
      await this.requireOwn(manager, actor, input.incidentId);
      const removed = await this.repository.unshare(manager, input.incidentId, input.organisationIds);
      return this.recorded(manager, actor, 'leak-incident.unshare', input.incidentId, removed);
    });
  }

  /** Audits a share or unshare of incident `id` with the organisations it changed; returns the incident. */
  private async recorded(manager: EntityManager, actor: Actor, action: string, id: string, organisationIds: string[]): Promise<LeakIncident> {
    await this.audit.record(manager, actor, { action, subjectType: 'LeakIncident', subjectId: id, details: { organisationIds } });
    return (await this.repository.findVisible(actor, id, manager))!;
  }

  /** NOT_FOUND (as for a missing one) unless the caller's organisation registered the incident; locks it. */
  private async requireOwn(manager: EntityManager, actor: Actor, id: string): Promise<void> {
    if (!(await this.repository.lockOwned(manager, actor.organisationId, id))) throw new NotFoundError('LeakIncident', id);
  }

  /** BAD_USER_INPUT on `organisationIds.<i>` for an organisation an incident cannot be shared with. */
  private async requireShareable(actor: Actor, ids: readonly string[]): Promise<void> {
    const kinds = new Map((await this.organisations.byIds(ids)).map((o) => [o.id, o.kind]));
    ids.forEach((id, i) => {
      const kind = kinds.get(id);
      const field = `organisationIds.${i}`;
      if (!kind) throw new InputError(field, 'names no organisation');
      if (id === actor.organisationId) throw new InputError(field, 'is your own organisation, which registered the incident');
      if (!SHARE_ROLES.includes(roleOfOrganisationKind(kind))) {
        throw new InputError(field, 'an incident is shared with the plaintiff side only: a procuratorate, consumer association or designated organisation');
      }
    });
  }

  /** NOT_FOUND unless the caller may see it (visibleIncident). */
  async get(actor: Actor, id: string): Promise<LeakIncident> {
    const incident = await this.repository.findVisible(actor, id);
    if (!incident) throw new NotFoundError('LeakIncident', id);
    return incident;
  }

  list(actor: Actor, args: LeakIncidentsArgs): Promise<Connection<LeakIncident>> {
    return this.repository.list(actor, args.filter ?? {}, args.first, args.after);
  }
}
