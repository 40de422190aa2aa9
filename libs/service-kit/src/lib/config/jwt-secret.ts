export const JWT_SECRET_MIN_BYTES = 32;

/** The variable that lets a weak JWT secret through, for a laptop only; `npm start` sets it. */
export const LOCAL_DEV_FLAG = 'DATALAKE_LOCAL_DEV';

/**
 * Secrets printed in this repository's examples (.env.example, docker/.env.compose.example, the
 * k8s dev overlay): anyone can sign tokens with them. A unit test keeps this list in step.
 */
export const PUBLISHED_EXAMPLE_SECRETS: readonly string[] = [
  'local-development-secret-change-me-0123456789',
  'dev-only-jwt-secret-change-me-0123456789abcdef',
  'dev-only-jwt-secret-not-for-production-0123456789',
  // INTERNAL_TOKEN_SECRET examples (.env.example; the compose and k8s dev examples).
  'local-internal-token-secret-change-me-0123456789',
  'dev-only-internal-token-secret-change-me-0123456789',
  'dev-only-internal-token-secret-not-for-production-0123456789',
];

/** Why a JWT signing key is unsafe, or undefined when it passes the rules. Never quotes the value. */
export function jwtSecretProblem(secret: string): string | undefined {
  if (secret.trim() === '') return 'is only whitespace';
  if (Buffer.byteLength(secret, 'utf8') < JWT_SECRET_MIN_BYTES) return `is shorter than ${JWT_SECRET_MIN_BYTES} bytes`;
  if (new Set(secret).size === 1) return 'is one repeated character';
  if (PUBLISHED_EXAMPLE_SECRETS.includes(secret.trim())) return 'is a published example value';
  return undefined;
}

/** `DATALAKE_LOCAL_DEV=1` (or `true`). */
export function isLocalDevelopment(flag: unknown): boolean {
  return flag === true || flag === '1' || flag === 'true';
}
