import { randomBytes } from 'node:crypto';
import 'reflect-metadata';
import { loadEnv } from '@datalake/service-kit';
import { AuthEnv } from './auth.env';

describe(AuthEnv.name, () => {
  const base = {
    MONGO_URI: 'mongodb://127.0.0.1:27017',
    JWT_SECRET: randomBytes(32).toString('base64'),
    INTERNAL_TOKEN_SECRET: randomBytes(32).toString('base64'),
    NODE_ENV: 'production',
  };

  it('applies the defaults of DESIGN.md', () => {
    const env = loadEnv(AuthEnv, base);
    expect(env).toMatchObject({ AUTH_PORT: 3001, JWT_EXPIRES_IN: 3600 });
    expect(env.ADMIN_USERNAME).toBeUndefined();
  });

  it('refuses a weak JWT_SECRET in every environment unless DATALAKE_LOCAL_DEV=1', () => {
    expect(() => loadEnv(AuthEnv, { ...base, JWT_SECRET: 'too-short' })).toThrow(/JWT_SECRET is shorter than 32 bytes/);
    expect(() => loadEnv(AuthEnv, { ...base, NODE_ENV: 'development', JWT_SECRET: 'dev' })).toThrow(/JWT_SECRET/);
    expect(loadEnv(AuthEnv, { ...base, DATALAKE_LOCAL_DEV: '1', JWT_SECRET: 'dev' }).JWT_SECRET).toBe('dev');
  });

  it('wants both bootstrap admin variables or neither', () => {
    expect(() => loadEnv(AuthEnv, { ...base, ADMIN_USERNAME: 'root' })).toThrow(/ADMIN_PASSWORD is required/);
    expect(() =>
      loadEnv(AuthEnv, { ...base, ADMIN_USERNAME: 'no spaces allowed', ADMIN_PASSWORD: 'long-enough' }),
    ).toThrow(/ADMIN_USERNAME/);
    expect(loadEnv(AuthEnv, { ...base, ADMIN_USERNAME: 'root', ADMIN_PASSWORD: 'long-enough' }).ADMIN_USERNAME).toBe(
      'root',
    );
  });
});
