import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type Actor, AuditService, type Connection, InputError, NotFoundError } from '@app/platform';
import { Clock } from './clock';
import { involvesSensitiveData } from './rules/data-categories';
import type { LeakIncident, LeakIncidentsArgs, RegisterLeakIncidentInput } from './leak-incident.model';
import { LeakIncidentsRepository } from './leak-incidents.repository';

/** Registering and finding leak incidents; an organisation sees the incidents it registered. */
@Injectable()
export class LeakIncidentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: LeakIncidentsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
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

  /** NOT_FOUND unless the caller may see it: its organisation registered it, or it is linked to a case the caller may see. */
  async get(actor: Actor, id: string): Promise<LeakIncident> {
    const incident = await this.repository.findVisible(actor, id);
    if (!incident) throw new NotFoundError('LeakIncident', id);
    return incident;
  }

  list(actor: Actor, args: LeakIncidentsArgs): Promise<Connection<LeakIncident>> {
    return this.repository.list(actor, args.filter ?? {}, args.first, args.after);
  }
}
