import { SetMetadata } from '@nestjs/common';

/** Metadata of a route that needs no internal token (liveness only): the opt-out of InternalCallGuard. */
export const PUBLIC_ROUTE_KEY = 'datalake:public-route';

/** This route answers without an internal token. Only for routes that reveal and change nothing. */
export const PublicRoute = () => SetMetadata(PUBLIC_ROUTE_KEY, true);

/** Roles allowed on a route (`@Roles` of @datalake/auth writes the same key). */
export const ROLES_KEY = 'datalake:roles';

/** The end user's role (carried by the internal token) must be one of these, else 403. */
export const RequiresRole = (...roles: string[]) => SetMetadata(ROLES_KEY, roles);
