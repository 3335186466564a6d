import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request } from 'express';
import { ForbiddenError, UnauthenticatedError } from '../errors/domain-error';
import { ALLOWED_ROLES, PUBLIC_OPERATION } from './auth.decorators';
import { AuthService } from './auth.service';
import type { Role } from './role';

/** What an operation's decorators declare: @Public, or the roles of its @Allow (none: refused). */
interface AccessPolicy {
  public: boolean;
  allowed: readonly Role[] | undefined;
}

/**
 * Global guard, deny by default: an operation runs only if it is @Public or the caller holds a
 * valid token and one of the roles its @Allow lists. The Actor is attached to the request.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  /** Each handler's policy by its class: decorators are fixed once the classes are defined. */
  private readonly policies = new WeakMap<object, WeakMap<object, AccessPolicy>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  private policy(handler: object, type: object): AccessPolicy {
    let byClass = this.policies.get(handler);
    if (!byClass) this.policies.set(handler, (byClass = new WeakMap()));
    let policy = byClass.get(type);
    if (!policy) {
      const targets = [handler as () => void, type as () => void];
      policy = {
        public: this.reflector.getAllAndOverride<boolean>(PUBLIC_OPERATION, targets) === true,
        allowed: this.reflector.getAllAndOverride<Role[] | undefined>(ALLOWED_ROLES, targets),
      };
      byClass.set(type, policy);
    }
    return policy;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = this.policy(context.getHandler(), context.getClass());
    if (policy.public) return true;

    const request: Request & { actor?: unknown } =
      context.getType<string>() === 'graphql'
        ? GqlExecutionContext.create(context).getContext().req
        : context.switchToHttp().getRequest();
    const header = request.header('authorization');
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (!token) throw new UnauthenticatedError();
    const actor = await this.auth.actorForToken(token);
    request.actor = actor;

    if (!policy.allowed?.includes(actor.role)) throw new ForbiddenError();
    return true;
  }
}
