import { createHmac } from 'node:crypto';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Builds a JWT by hand so tests can forge the tokens an attacker would send. */
export function forgeJwt(header: Record<string, unknown>, claims: Record<string, unknown>, secret?: string): string {
  const unsigned = `${encode(header)}.${encode(claims)}`;
  if (header['alg'] === 'none' || secret === undefined) return `${unsigned}.`;
  const algorithm = header['alg'] === 'HS512' ? 'sha512' : header['alg'] === 'HS384' ? 'sha384' : 'sha256';
  return `${unsigned}.${createHmac(algorithm, secret).update(unsigned).digest('base64url')}`;
}

/** Replaces the claims of a signed token, keeping its header and signature (a tampered token). */
export function tamperJwt(jwt: string, change: (claims: Record<string, unknown>) => Record<string, unknown>): string {
  const [header, payload, signature] = jwt.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  return `${header}.${encode(change(claims))}.${signature}`;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);
