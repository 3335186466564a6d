import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import * as argon2 from 'argon2';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { ConflictError, InputError, NotFoundError } from '../errors/domain-error';
import { Organisation } from '../organisations/organisation.entity';
import type { Actor } from './actor';
import { ROLE_ORGANISATION_KINDS } from './role';
import { isUniqueViolation } from '../errors/postgres-errors';
import type { CreateUserInput, UserModel } from './user.model';
import { User } from './user.entity';

/** Creating users: by an ADMIN through the API, by the CLI, and by the demo seed. */
@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /**
   * Creates a user in `manager`'s transaction (or a new one) and audits it.
   * BAD_USER_INPUT when the role does not fit the organisation's kind; CONFLICT on a taken email.
   */
  async create(input: CreateUserInput, actor: Actor | null, manager?: EntityManager): Promise<UserModel> {
    if (!manager) return this.dataSource.transaction((m) => this.create(input, actor, m));
    const organisation = await manager.findOneBy(Organisation, { id: input.organisationId });
    if (!organisation) throw new NotFoundError('Organisation', input.organisationId);
    if (!ROLE_ORGANISATION_KINDS[input.role].includes(organisation.kind)) {
      throw new InputError('role', `a ${input.role} cannot belong to a ${organisation.kind}`);
    }
    const taken = await manager
      .createQueryBuilder(User, 'u')
      .where('lower(u.email) = lower(:email)', { email: input.email })
      .getExists();
    if (taken) throw emailTaken();

    const user = await manager
      .save(
        manager.create(User, {
          email: input.email,
          displayName: input.displayName,
          passwordHash: await argon2.hash(input.password),
          role: input.role,
          organisationId: organisation.id,
        }),
      )
      .catch((error: unknown) => {
        // A concurrent create of the same email passed the check above; the index decides.
        if (isUniqueViolation(error, 'app_user_email_key')) throw emailTaken();
        throw error;
      });
    await this.audit.record(manager, actor, {
      action: 'user.create',
      subjectType: 'User',
      subjectId: user.id,
      details: { role: user.role, organisationId: organisation.id },
    });
    return { id: user.id, email: user.email, displayName: user.displayName, role: user.role, organisation };
  }

  async findModel(id: string): Promise<UserModel> {
    const user = await this.dataSource.getRepository(User).findOne({ where: { id }, relations: { organisation: true } });
    if (!user) throw new NotFoundError('User', id);
    return { id: user.id, email: user.email, displayName: user.displayName, role: user.role, organisation: user.organisation! };
  }
}

const emailTaken = () => new ConflictError('A user with this email already exists', { field: 'email' });
