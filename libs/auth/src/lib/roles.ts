import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Role } from '@datalake/dto';
import { ROLES_KEY } from '@datalake/service-kit';
import type { AuthenticatedUser } from './authenticated-user';

export { ROLES_KEY };

/** Roles allowed on a route or controller; a route without `@Roles` is open to every authenticated user. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** Answers 403 when the caller's role is not among the route's `@Roles`. Runs after JwtAuthGuard. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!allowed || allowed.length === 0) return true;
    const user: AuthenticatedUser | undefined = context.switchToHttp().getRequest<Request>().user;
    if (!user) throw new UnauthorizedException('missing bearer token');
    if (!allowed.includes(user.role))
      throw new ForbiddenException(`this route requires the ${allowed.join(' or ')} role`);
    return true;
  }
}
