import { IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, ValidateIf } from 'class-validator';
import { IsJwtSecret, IsMongoUri, IsPort, SignInLimitEnv } from '@datalake/service-kit';

const SERVICE_URL = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };
const ORIGIN_LIST = /^\s*(\*|https?:\/\/[^\s,/]+)\s*(,\s*(\*|https?:\/\/[^\s,/]+)\s*)*$/;

export class GatewayEnv extends SignInLimitEnv {
  @IsPort()
  GATEWAY_PORT: number = 3000;

  /** The gateway's own database `gateway` on this server holds the quota counters. */
  @IsMongoUri()
  MONGO_URI!: string;

  /** HS256 key shared with auth-service; never logged. */
  @IsJwtSecret()
  JWT_SECRET!: string;

  @IsInt()
  @Min(1)
  @Max(1_000_000)
  QUOTA_PER_HOUR: number = 100;

  /** `/register` + `/token` requests per minute per client address. */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  AUTH_RATE_PER_MINUTE: number = 60;

  /**
   * Seconds the gateway trusts its last look-up of a token's account (current role, still
   * existing): a role change or a deleted user takes effect at most this long after it is made.
   */
  @IsInt()
  @Min(0)
  @Max(10)
  SESSION_CHECK_CACHE_SECONDS: number = 2;

  /** Comma-separated allowed origins (`*` for any); empty turns CORS off. */
  @ValidateIf((env: GatewayEnv) => env.CORS_ORIGINS !== '')
  @IsString()
  @Matches(ORIGIN_LIST, { message: 'must be a comma-separated list of origins like https://app.example.com' })
  CORS_ORIGINS: string = '';

  @IsInt()
  @Min(100)
  @Max(600_000)
  UPSTREAM_TIMEOUT_MS: number = 10_000;

  /** Express `trust proxy`: empty = the socket address is the client; a hop count, or addresses/subnets. */
  @IsString()
  @Matches(/^[A-Za-z0-9:./,\s]+$/, {
    message: 'must be true, a hop count, or a comma-separated list of addresses or subnets',
  })
  TRUST_PROXY: string = 'false';

  @IsUrl(SERVICE_URL) AUTH_SERVICE_URL: string = 'http://127.0.0.1:3001';
  @IsUrl(SERVICE_URL) INGEST_SERVICE_URL: string = 'http://127.0.0.1:3002';
  @IsUrl(SERVICE_URL) NETWORK_LOGS_SERVICE_URL: string = 'http://127.0.0.1:3011';
  @IsUrl(SERVICE_URL) SOCIAL_POSTS_SERVICE_URL: string = 'http://127.0.0.1:3012';
  @IsUrl(SERVICE_URL) TRANSACTIONS_SERVICE_URL: string = 'http://127.0.0.1:3013';

  /**
   * Readiness URL of each upstream for `GET /admin/services`; unset = `<service URL>/health/ready`
   * (see readinessUrls in admin/readiness-urls.ts, the one place that derives them).
   */
  @IsOptional() @IsUrl(SERVICE_URL) AUTH_SERVICE_READY_URL?: string;
  @IsOptional() @IsUrl(SERVICE_URL) INGEST_SERVICE_READY_URL?: string;
  @IsOptional() @IsUrl(SERVICE_URL) NETWORK_LOGS_SERVICE_READY_URL?: string;
  @IsOptional() @IsUrl(SERVICE_URL) SOCIAL_POSTS_SERVICE_READY_URL?: string;
  @IsOptional() @IsUrl(SERVICE_URL) TRANSACTIONS_SERVICE_READY_URL?: string;

  /** Longest `GET /admin/services` waits for one service's readiness answer (all are asked at once). */
  @IsInt()
  @Min(100)
  @Max(30_000)
  SERVICE_HEALTH_TIMEOUT_MS: number = 2_000;
}

export const GATEWAY_ENV = Symbol('GATEWAY_ENV');

/** CORS_ORIGINS as a list; `*` alone allows any origin. */
export function corsOrigins(value: string): string[] {
  return value
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
}

/** TRUST_PROXY as Express takes it: boolean, hop count, or address list. */
export function trustProxySetting(value: string): boolean | number | string {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed === 'false') return false;
  if (trimmed === 'true') return true;
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  return trimmed;
}
