import { randomBytes } from 'node:crypto';
import 'reflect-metadata';
import { loadEnv } from '@datalake/service-kit';
import { corsOrigins, GatewayEnv, trustProxySetting } from './gateway.env';

describe(GatewayEnv.name, () => {
  const base = {
    MONGO_URI: 'mongodb://127.0.0.1:27017',
    JWT_SECRET: randomBytes(32).toString('base64'),
    INTERNAL_TOKEN_SECRET: randomBytes(32).toString('base64'),
    NODE_ENV: 'production',
  };

  it('applies the defaults of DESIGN.md and .env.example', () => {
    expect(loadEnv(GatewayEnv, base)).toMatchObject({
      GATEWAY_PORT: 3000,
      GATEWAY_MANAGEMENT_PORT: 9000,
      QUOTA_PER_HOUR: 100,
      AUTH_RATE_PER_MINUTE: 60,
      TOKEN_FAILURES_PER_USERNAME: 10,
      TOKEN_FAILURE_WINDOW_MINUTES: 15,
      CORS_ORIGINS: '',
      UPSTREAM_TIMEOUT_MS: 10000,
      AUTH_SERVICE_URL: 'http://127.0.0.1:3001',
    });
  });

  it('names a malformed variable', () => {
    expect(() => loadEnv(GatewayEnv, { ...base, QUOTA_PER_HOUR: 'lots' })).toThrow(/QUOTA_PER_HOUR/);
    expect(() => loadEnv(GatewayEnv, { ...base, AUTH_SERVICE_URL: 'auth-service' })).toThrow(/AUTH_SERVICE_URL/);
    expect(() => loadEnv(GatewayEnv, { ...base, CORS_ORIGINS: 'not an origin' })).toThrow(/CORS_ORIGINS/);
    expect(() => loadEnv(GatewayEnv, { ...base, JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
    expect(() => loadEnv(GatewayEnv, { ...base, INTERNAL_TOKEN_SECRET: 'short' })).toThrow(
      /INTERNAL_TOKEN_SECRET is shorter than 32 bytes/,
    );
    expect(() => loadEnv(GatewayEnv, { ...base, INTERNAL_TOKEN_SECRET: undefined })).toThrow(
      /INTERNAL_TOKEN_SECRET is required/,
    );
    expect(() => loadEnv(GatewayEnv, { ...base, GATEWAY_MANAGEMENT_PORT: '3000' })).toThrow(
      /GATEWAY_MANAGEMENT_PORT must differ from GATEWAY_PORT/,
    );
  });

  it('accepts in-cluster service URLs', () => {
    expect(loadEnv(GatewayEnv, { ...base, AUTH_SERVICE_URL: 'http://auth-service:3001' }).AUTH_SERVICE_URL).toBe(
      'http://auth-service:3001',
    );
  });
});

describe('gateway settings', () => {
  it('reads CORS_ORIGINS as a list', () => {
    expect(corsOrigins('')).toEqual([]);
    expect(corsOrigins('https://a.example, http://localhost:5173')).toEqual([
      'https://a.example',
      'http://localhost:5173',
    ]);
  });

  it('reads TRUST_PROXY as Express takes it', () => {
    expect(trustProxySetting('false')).toBe(false);
    expect(trustProxySetting('true')).toBe(true);
    expect(trustProxySetting('1')).toBe(1);
    expect(trustProxySetting('loopback, 10.0.0.0/8')).toBe('loopback, 10.0.0.0/8');
  });
});
