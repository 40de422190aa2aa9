import type { Role } from '@datalake/dto';

/** The caller of a request, from a verified access token. */
export interface AuthenticatedUser {
  /** The token's `sub`. */
  id: string;
  username: string;
  role: Role;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    /** passport puts the verified user on `req.user`. */
    interface User {
      id: string;
      username: string;
      role: Role;
    }
  }
}
