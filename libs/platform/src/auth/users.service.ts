import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import * as argon2 from 'argon2';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { returningRows } from '../database/returning';
import { ConflictError, InputError, NotFoundError } from '../errors/domain-error';
import { Organisation } from '../organisations/organisation.entity';
import type { Actor } from './actor';
import { ActorCache } from './actor-cache';
import { Role, ROLE_ORGANISATION_KINDS } from './role';
import { isUniqueViolation } from '../errors/postgres-errors';
import type { CreateUserInput, UserModel } from './user.model';
import { User } from './user.entity';

/**
 * Users' accounts: creating them (by an ADMIN through the API, by the CLI, by the demo seed),
 * disabling and enabling them, revoking their tokens and setting their passwords. Every change is
 * audited in its own transaction; `actor` is null when the CLI makes it.
 */
@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly actors: ActorCache,
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
    return { id: user.id, email: user.email, displayName: user.displayName, role: user.role, organisation, disabledAt: null };
  }

  /** NOT_FOUND when no user has this id. */
  async findModel(id: string, manager: EntityManager = this.dataSource.manager): Promise<UserModel> {
    const user = await manager.getRepository(User).findOne({ where: { id }, relations: { organisation: true } });
    if (!user) throw new NotFoundError('User', id);
    return { id: user.id, email: user.email, displayName: user.displayName, role: user.role, organisation: user.organisation!, disabledAt: user.disabledAt };
  }

  /** The id of the user with this email (any case), or undefined. */
  async idByEmail(email: string): Promise<string | undefined> {
    const [row] = await this.dataSource.query(`SELECT id FROM app_user WHERE lower(email) = lower($1)`, [email]);
    return row?.id;
  }

  /**
   * Disables a user: no login, and every token stops at once (also revoked, so that enabling the
   * user later does not revive them). Disabling an already disabled user keeps the first date.
   * NOT_FOUND for an unknown id; CONFLICT when it would leave no active ADMIN.
   */
  disable(id: string, reason: string, actor: Actor | null): Promise<UserModel> {
    return this.revoking(id, async (manager) => {
      const [target] = await manager.query(`SELECT role FROM app_user WHERE id = $1`, [id]);
      if (!target) throw new NotFoundError('User', id);
      if (target.role === Role.ADMIN) {
        // Lock every active ADMIN (in id order) so two ADMINs disabling each other at once
        // cannot both pass; a row disabled meanwhile drops out once its lock is released.
        const admins: { id: string }[] = await manager.query(
          `SELECT id FROM app_user WHERE role = 'ADMIN' AND disabled_at IS NULL ORDER BY id FOR UPDATE`,
        );
        if (admins.length === 1 && admins[0].id === id) {
          throw new ConflictError('The last active ADMIN cannot be disabled', { rule: 'one-active-admin' });
        }
      }
      return this.change(manager, actor, id, `disabled_at = coalesce(disabled_at, now()), token_generation = token_generation + 1`, [], {
        action: 'user.disable',
        details: { reason },
      });
    });
  }

  /** Lets a disabled user log in again (their old tokens stay revoked). NOT_FOUND for an unknown id. */
  enable(id: string, actor: Actor | null): Promise<UserModel> {
    return this.dataSource.transaction((manager) => this.change(manager, actor, id, `disabled_at = NULL`, [], { action: 'user.enable' }));
  }

  /** Invalidates every token issued to the user so far; a new login works. NOT_FOUND for an unknown id. */
  revokeTokens(id: string, actor: Actor | null): Promise<UserModel> {
    return this.revoking(id, (manager) =>
      this.change(manager, actor, id, `token_generation = token_generation + 1`, [], { action: 'user.revoke-tokens' }),
    );
  }

  /**
   * Sets the user's password (already validated by PasswordField) and revokes every token issued
   * so far. `action` tells an ADMIN's reset (`user.set-password`) from a user's own change
   * (`user.change-password`). NOT_FOUND for an unknown id.
   */
  async setPassword(id: string, password: string, actor: Actor | null, action = 'user.set-password'): Promise<UserModel> {
    const hash = await argon2.hash(password);
    return this.revoking(id, (manager) =>
      this.change(manager, actor, id, `password_hash = $2, token_generation = token_generation + 1`, [hash], { action }),
    );
  }

  /**
   * Runs `work` (which revokes `id`'s tokens) in a transaction, then drops the user's cached actor
   * here at once: other processes drop theirs on the database's notification, which this process
   * also gets, but possibly after its client's next request.
   */
  private async revoking(id: string, work: (manager: EntityManager) => Promise<UserModel>): Promise<UserModel> {
    const user = await this.dataSource.transaction(work);
    this.actors.forget(id);
    return user;
  }

  /** Applies `assignments` (SQL; $1 is the id, `params` follow) to one user and audits it. */
  private async change(
    manager: EntityManager,
    actor: Actor | null,
    id: string,
    assignments: string,
    params: unknown[],
    entry: { action: string; details?: Record<string, unknown> },
  ): Promise<UserModel> {
    const rows = await returningRows(manager, `UPDATE app_user SET ${assignments} WHERE id = $1 RETURNING id`, [id, ...params]);
    if (!rows.length) throw new NotFoundError('User', id);
    await this.audit.record(manager, actor, { ...entry, subjectType: 'User', subjectId: id });
    return this.findModel(id, manager);
  }
}

const emailTaken = () => new ConflictError('A user with this email already exists', { field: 'email' });
