import { applyDecorators, UseGuards } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { JwtAuthGuard, Roles, RolesGuard } from '@datalake/auth';
import { ADDRESS_THROTTLER, QUOTA_THROTTLER } from '../quota/quota.constants';
import { QuotaGuard } from '../quota/quota.guard';

/**
 * A route for signed-in callers: token first (401 uncounted), then the quota (every authenticated
 * answer counts and carries X-RateLimit-*, a 403 too), then the role.
 */
export function Authenticated(options: { admin?: boolean } = {}): ClassDecorator & MethodDecorator {
  return applyDecorators(
    UseGuards(JwtAuthGuard, QuotaGuard, RolesGuard),
    SkipThrottle({ [ADDRESS_THROTTLER]: true }),
    ...(options.admin ? [Roles('admin')] : []),
  );
}

/** `/register` and `/token`: no token, limited per client address. */
export function AddressLimited(): ClassDecorator & MethodDecorator {
  return applyDecorators(UseGuards(QuotaGuard), SkipThrottle({ [QUOTA_THROTTLER]: true }));
}
