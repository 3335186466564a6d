import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request } from 'express';
import { ForbiddenError, UnauthenticatedError } from '../errors/domain-error';
import { ALLOWED_ROLES, PUBLIC_OPERATION } from './auth.decorators';
import { AuthService } from './auth.service';
import type { Role } from './role';

/**
 * Global guard, deny by default: an operation runs only if it is @Public or the caller holds a
 * valid token and one of the roles its @Allow lists. The Actor is attached to the request.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_OPERATION, targets)) return true;

    const request: Request & { actor?: unknown } =
      context.getType<string>() === 'graphql'
        ? GqlExecutionContext.create(context).getContext().req
        : context.switchToHttp().getRequest();
    const header = request.header('authorization');
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (!token) throw new UnauthenticatedError();
    const actor = await this.auth.actorForToken(token);
    request.actor = actor;

    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ALLOWED_ROLES, targets);
    if (!allowed?.includes(actor.role)) throw new ForbiddenError();
    return true;
  }
}
