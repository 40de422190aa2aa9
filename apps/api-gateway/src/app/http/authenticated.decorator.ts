import { applyDecorators, SetMetadata, UseGuards, UseInterceptors } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { JwtAuthGuard, Roles, RolesGuard } from '@datalake/auth';
import { ADDRESS_THROTTLER, QUOTA_ALONGSIDE, QUOTA_THROTTLER } from '../quota/quota.constants';
import { QuotaClaimSettler, QuotaGuard } from '../quota/quota.guard';

export interface AuthenticatedOptions {
  admin?: boolean;
  /**
   * A read open to every role whose handler passes its upstream call through `afterQuotaClaim`:
   * the quota claim runs beside that call instead of before it (one database round trip less).
   */
  quotaAlongside?: boolean;
}

/**
 * A route for signed-in callers: token first (401 uncounted), then the quota (every authenticated
 * answer counts and carries X-RateLimit-*, a 403 too), then the role.
 */
export function Authenticated(options: AuthenticatedOptions = {}): MethodDecorator & ClassDecorator {
  // A role check after a claim left running could answer 403 before the claim set its headers.
  if (options.quotaAlongside && options.admin) throw new Error('quotaAlongside is for routes open to every role');
  return applyDecorators(
    UseGuards(JwtAuthGuard, QuotaGuard, RolesGuard),
    SkipThrottle({ [ADDRESS_THROTTLER]: true }),
    ...(options.admin ? [Roles('admin')] : []),
    ...(options.quotaAlongside ? [SetMetadata(QUOTA_ALONGSIDE, true), UseInterceptors(QuotaClaimSettler)] : []),
  );
}

/** `/register` and `/token`: no token, limited per client address. */
export function AddressLimited(): ClassDecorator & MethodDecorator {
  return applyDecorators(UseGuards(QuotaGuard), SkipThrottle({ [QUOTA_THROTTLER]: true }));
}
