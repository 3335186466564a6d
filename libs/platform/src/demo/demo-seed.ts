import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Role } from '../auth/role';
import { UsersService } from '../auth/users.service';
import { AdministrativeLevel, OrganisationKind } from '../organisations/organisation.entity';
import { OrganisationsService } from '../organisations/organisations.service';

export const DEMO_PASSWORD = 'leakcase-demo';

/** One organisation of each kind with one user each; the README lists them. */
export const DEMO_ACCOUNTS = [
  { email: 'procurator@demo.local', role: Role.PROCURATOR, organisation: { name: '示范市人民检察院 (Demo City Procuratorate)', kind: OrganisationKind.PROCURATORATE, level: AdministrativeLevel.PREFECTURAL } },
  { email: 'association@demo.local', role: Role.ASSOCIATION_STAFF, organisation: { name: '示范省消费者权益保护委员会 (Demo Province Consumer Council)', kind: OrganisationKind.CONSUMER_ASSOCIATION, level: AdministrativeLevel.PROVINCIAL } },
  { email: 'designated@demo.local', role: Role.ASSOCIATION_STAFF, organisation: { name: '示范个人信息保护组织 (Demo Designated Organisation)', kind: OrganisationKind.DESIGNATED_ORGANISATION, level: AdministrativeLevel.NATIONAL } },
  { email: 'judge@demo.local', role: Role.JUDGE, organisation: { name: '示范市中级人民法院 (Demo City Intermediate Court)', kind: OrganisationKind.COURT, level: AdministrativeLevel.PREFECTURAL } },
  { email: 'admin@demo.local', role: Role.ADMIN, organisation: { name: 'leakcase 运维 (leakcase Operations)', kind: OrganisationKind.OPERATOR, level: null } },
] as const;

/** Seeds the demo organisations and users, in one transaction, only into an empty database. */
@Injectable()
export class DemoSeed {
  private readonly logger = new Logger('DemoSeed');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly organisations: OrganisationsService,
    private readonly users: UsersService,
  ) {}

  /** Returns false (and changes nothing) when any organisation exists already. */
  async seedIfEmpty(): Promise<boolean> {
    const seeded = await this.dataSource.transaction(async (manager) => {
      // Two processes starting on one empty database must not both seed.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('leakcase.demo_seed'))`);
      const [{ exists }] = await manager.query(`SELECT EXISTS (SELECT 1 FROM organisation) AS exists`);
      if (exists) return false;
      for (const account of DEMO_ACCOUNTS) {
        const organisation = await this.organisations.create(
          { name: account.organisation.name, kind: account.organisation.kind, level: account.organisation.level ?? undefined },
          null,
          manager,
        );
        await this.users.create(
          { email: account.email, displayName: account.email.split('@')[0], password: DEMO_PASSWORD, role: account.role, organisationId: organisation.id },
          null,
          manager,
        );
      }
      return true;
    });
    if (seeded) {
      this.logger.log(
        `Seeded demo users ${DEMO_ACCOUNTS.map((a) => a.email).join(', ')} with the password "${DEMO_PASSWORD}" (development only)`,
      );
    }
    return seeded;
  }
}
