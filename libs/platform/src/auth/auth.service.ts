import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import * as argon2 from 'argon2';
import type { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { UnauthenticatedError } from '../errors/domain-error';
import { Organisation } from '../organisations/organisation.entity';
import type { Actor } from './actor';
import type { LoginResult } from './user.model';
import { User } from './user.entity';

const BAD_CREDENTIALS = 'Wrong email or password';

/** Compared against when the email is unknown, so both failures take the same time. */
const DUMMY_HASH = argon2.hash('leakcase-timing-equaliser');

interface TokenClaims {
  sub: string;
}

/** Password login (argon2id) and JWT bearer tokens. */
@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jwt: JwtService,
    private readonly audit: AuditService,
  ) {}

  /** UNAUTHENTICATED with one message whether the email is unknown or the password wrong. */
  async login(email: string, password: string): Promise<LoginResult> {
    const user = await this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .innerJoinAndSelect('u.organisation', 'o')
      .where('lower(u.email) = lower(:email) AND u.disabledAt IS NULL', { email })
      .getOne();
    const valid = await argon2.verify(user?.passwordHash ?? (await DUMMY_HASH), password);
    if (!user || !valid) throw new UnauthenticatedError(BAD_CREDENTIALS);

    const token = await this.jwt.signAsync({ sub: user.id } satisfies TokenClaims);
    const { exp } = this.jwt.decode<{ exp: number }>(token);
    await this.dataSource.transaction((manager) =>
      this.audit.record(manager, { userId: user.id, organisationId: user.organisationId }, {
        action: 'auth.login',
        subjectType: 'User',
        subjectId: user.id,
      }),
    );
    return {
      token,
      expiresAt: new Date(exp * 1000),
      user: { id: user.id, email: user.email, displayName: user.displayName, role: user.role, organisation: user.organisation as Organisation },
    };
  }

  /** Resolves a bearer token to the current (not disabled) user; UNAUTHENTICATED otherwise. */
  async actorForToken(token: string): Promise<Actor> {
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token);
    } catch {
      throw new UnauthenticatedError('Invalid or expired token');
    }
    const [row] = await this.dataSource.query(
      `SELECT u.id, u.role, u.organisation_id, o.kind
         FROM app_user u JOIN organisation o ON o.id = u.organisation_id
        WHERE u.id = $1 AND u.disabled_at IS NULL`,
      [claims.sub],
    );
    if (!row) throw new UnauthenticatedError('Invalid or expired token');
    return { userId: row.id, role: row.role, organisationId: row.organisation_id, organisationKind: row.kind };
  }
}
