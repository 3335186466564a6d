import { Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import * as argon2 from 'argon2';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { queryNamed } from '../database/named-statement';
import { InputError, UnauthenticatedError } from '../errors/domain-error';
import { Organisation, type OrganisationKind } from '../organisations/organisation.entity';
import type { Actor } from './actor';
import type { Role } from './role';
import { ActorCache } from './actor-cache';
import { LoginThrottle, type ThrottleKeys } from './login-throttle';
import type { LoginResult } from './user.model';
import { User } from './user.entity';
import { UsersService } from './users.service';
import { VerifiedTokens } from './verified-tokens';

const BAD_CREDENTIALS = 'Wrong email or password';

/** Compared against when the email is unknown, so both failures take the same time. */
const DUMMY_HASH = argon2.hash('leakcase-timing-equaliser');

interface TokenClaims {
  sub: string;
  /** The user's token_generation when the token was issued (absent in tokens from before it existed). */
  gen?: number;
  /** Expiry, seconds since the epoch (set on every token issued). */
  exp?: number;
}

/** Password login (argon2id, throttled) and JWT bearer tokens. */
@Injectable()
export class AuthService {
  private readonly logger = new Logger('Auth');
  private readonly verified = new VerifiedTokens<TokenClaims>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jwt: JwtService,
    private readonly audit: AuditService,
    private readonly throttle: LoginThrottle,
    private readonly users: UsersService,
    private readonly actors: ActorCache,
  ) {}

  /**
   * A token for `email` and `password`, from client `address` (absent when unknown). Every
   * refusal is UNAUTHENTICATED and says the same whether the email exists: a wrong password or
   * unknown email "Wrong email or password"; a locked account or address "Too many attempts, try
   * again in N s", answered before any password hashing.
   */
  async login(email: string, password: string, address: string | undefined): Promise<LoginResult> {
    const keys = this.throttle.keys(email, address);
    await this.refuseWhileLocked(keys);
    const user = await this.userForLogin('lower(u.email) = lower(:email)', { email });
    const valid = await argon2.verify(user?.passwordHash ?? (await DUMMY_HASH), password);
    if (!user || !valid) {
      await this.recordFailure(keys, 'login');
      throw new UnauthenticatedError(BAD_CREDENTIALS);
    }
    await this.dataSource.transaction(async (manager) => {
      await this.throttle.reset(manager, keys);
      await this.audit.record(manager, { userId: user.id, organisationId: user.organisationId }, {
        action: 'auth.login',
        subjectType: 'User',
        subjectId: user.id,
      });
    });
    return this.issue(user);
  }

  /**
   * Changes the caller's own password and revokes every token issued so far (the caller's too),
   * returning a fresh token. A wrong current password is BAD_USER_INPUT on `currentPassword` and
   * counts as a failed login of the account (throttled like one, UNAUTHENTICATED while locked).
   */
  async changePassword(actor: Actor, currentPassword: string, newPassword: string): Promise<LoginResult> {
    const user = await this.userForLogin('u.id = :id', { id: actor.userId });
    if (!user) throw new UnauthenticatedError(); // disabled since the token was checked
    const keys = this.throttle.keys(user.email, undefined);
    await this.refuseWhileLocked(keys);
    if (!(await argon2.verify(user.passwordHash, currentPassword))) {
      await this.recordFailure(keys, 'changePassword');
      throw new InputError('currentPassword', 'is not the current password');
    }
    await this.users.setPassword(user.id, newPassword, actor, 'user.change-password');
    return this.issue((await this.userForLogin('u.id = :id', { id: user.id }))!);
  }

  /**
   * Resolves a bearer token to the current (not disabled, not revoked) user; UNAUTHENTICATED
   * otherwise. The signature is checked once per token (VerifiedTokens), the expiry every time;
   * the user lookup only when ActorCache does not hold this user and generation.
   */
  async actorForToken(token: string): Promise<Actor> {
    let claims = this.verified.get(token);
    if (!claims) {
      try {
        claims = await this.jwt.verifyAsync<TokenClaims>(token);
      } catch {
        throw new UnauthenticatedError('Invalid or expired token');
      }
      this.verified.set(token, claims);
    }
    const generation = claims.gen ?? 0;
    const cached = this.actors.get(claims.sub, generation);
    if (cached) return cached;
    const epoch = this.actors.begin();
    const [row] = await queryNamed<{ id: string; role: Role; organisation_id: string; kind: OrganisationKind }>(
      this.dataSource,
      `SELECT u.id, u.role, u.organisation_id, o.kind
         FROM app_user u JOIN organisation o ON o.id = u.organisation_id
        WHERE u.id = $1 AND u.disabled_at IS NULL AND u.token_generation = $2`,
      [claims.sub, generation],
    );
    if (!row) throw new UnauthenticatedError('Invalid or expired token');
    const actor: Actor = { userId: row.id, role: row.role, organisationId: row.organisation_id, organisationKind: row.kind };
    this.actors.set(generation, actor, epoch);
    return actor;
  }

  /** An enabled user with their password hash and organisation, or undefined. */
  private userForLogin(where: string, params: Record<string, string>): Promise<User | null> {
    return this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .innerJoinAndSelect('u.organisation', 'o')
      .where(`${where} AND u.disabledAt IS NULL`, params)
      .getOne();
  }

  private async refuseWhileLocked(keys: ThrottleKeys): Promise<void> {
    const seconds = await this.throttle.retryAfterSeconds(keys);
    if (seconds > 0) {
      // Logged, not audited: a flood of refused attempts must cost no chained audit write either.
      this.logger.warn('Login refused: too many failed attempts');
      throw new UnauthenticatedError(`Too many attempts, try again in ${seconds} s`);
    }
  }

  /**
   * Counts a failed attempt and audits it in one transaction. The audit row names no user, no
   * email and no address: only their keyed hashes, identical in form whether the account exists,
   * so a reader of the log can link attempts on one account but not tell who it is or whether it exists.
   */
  private async recordFailure(keys: ThrottleKeys, via: 'login' | 'changePassword'): Promise<void> {
    await this.dataSource.transaction(async (manager: EntityManager) => {
      const count = await this.throttle.recordFailure(manager, keys);
      await this.audit.record(manager, null, {
        action: 'auth.login-failed',
        subjectType: 'Login',
        details: {
          via,
          account: keys.account.toString('hex'),
          address: keys.address?.toString('hex') ?? null,
          failures: count.accountFailures,
          locked: count.locked,
        },
      });
    });
    this.logger.log('Login failed');
  }

  private async issue(user: User): Promise<LoginResult> {
    const token = await this.jwt.signAsync({ sub: user.id, gen: user.tokenGeneration } satisfies TokenClaims);
    const { exp } = this.jwt.decode<{ exp: number }>(token);
    return {
      token,
      expiresAt: new Date(exp * 1000),
      user: {
        id: user.id,
        email: user.email,
        displayName: user.displayName,
        role: user.role,
        organisation: user.organisation as Organisation,
        disabledAt: null,
      },
    };
  }
}
