import { ForbiddenException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '@datalake/dto';
import { Roles, RolesGuard } from './roles';

class Routes {
  @Roles('admin') adminOnly(): string {
    return 'admin';
  }
  open(): string {
    return 'open';
  }
}

function contextFor(handler: keyof Routes, role?: Role): ExecutionContext {
  return {
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => ({ user: role ? { id: '1', username: 'u', role } : undefined }) }),
  } as unknown as ExecutionContext;
}

describe(RolesGuard.name, () => {
  const sut = new RolesGuard(new Reflector());

  it('lets any authenticated role through a route without @Roles', () => {
    expect(sut.canActivate(contextFor('open', 'user'))).toBe(true);
  });

  it('lets an admin through an admin route', () => {
    expect(sut.canActivate(contextFor('adminOnly', 'admin'))).toBe(true);
  });

  it('answers 403 to a user on an admin route', () => {
    expect(() => sut.canActivate(contextFor('adminOnly', 'user'))).toThrow(ForbiddenException);
  });
});
