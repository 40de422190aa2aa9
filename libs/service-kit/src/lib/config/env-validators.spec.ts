import 'reflect-metadata';
import { BaseEnv } from './base-env';
import { IsJwtSecret } from './env-validators';
import { ConfigError, loadEnv } from './load-env';

class SecretEnv extends BaseEnv {
  @IsJwtSecret()
  JWT_SECRET!: string;
}

describe(IsJwtSecret.name, () => {
  const long = 'x'.repeat(32);

  it('accepts a secret of 32 characters or more', () => {
    expect(loadEnv(SecretEnv, { NODE_ENV: 'production', JWT_SECRET: long }).JWT_SECRET).toBe(long);
  });

  it('refuses a shorter secret outside development, naming the variable but not the value', () => {
    expect(() => loadEnv(SecretEnv, { NODE_ENV: 'production', JWT_SECRET: 'short-secret' })).toThrow(ConfigError);
    expect(() => loadEnv(SecretEnv, { NODE_ENV: 'test', JWT_SECRET: 'short-secret' })).toThrow(/JWT_SECRET must be at least 32/);
    expect(() => loadEnv(SecretEnv, { NODE_ENV: 'test', JWT_SECRET: 'short-secret' })).not.toThrow(/short-secret/);
  });

  it('lets a short secret pass in development mode only', () => {
    expect(loadEnv(SecretEnv, { NODE_ENV: 'development', JWT_SECRET: 'dev' }).JWT_SECRET).toBe('dev');
  });

  it('requires the secret', () => {
    expect(() => loadEnv(SecretEnv, { NODE_ENV: 'development' })).toThrow(/JWT_SECRET is required/);
  });
});
