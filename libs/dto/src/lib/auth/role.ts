/** Roles of DataLake users: `user` reads; `admin` also updates, deletes, ingests and manages users. */
export const ROLES = ['user', 'admin'] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
