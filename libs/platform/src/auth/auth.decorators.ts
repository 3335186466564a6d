import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Actor } from './actor';
import { Role } from './role';

export const ALLOWED_ROLES = 'leakcase:allowedRoles';
export const PUBLIC_OPERATION = 'leakcase:public';

/** Declares which roles may call an operation. Operations without it (or @Public) are refused. */
export const Allow = (...roles: Role[]) => SetMetadata(ALLOWED_ROLES, roles);

/** Declares an operation open to unauthenticated callers (login, health). */
export const Public = () => SetMetadata(PUBLIC_OPERATION, true);

/** Any authenticated user, whatever the role. */
export const ANY_ROLE: Role[] = Object.values(Role);

/** Injects the authenticated Actor into a resolver or controller method. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const request =
    context.getType<string>() === 'graphql'
      ? GqlExecutionContext.create(context).getContext().req
      : context.switchToHttp().getRequest();
  return request.actor;
});
