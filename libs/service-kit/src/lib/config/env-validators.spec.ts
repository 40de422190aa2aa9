import 'reflect-metadata';
import { BaseEnv } from './base-env';
import { IsJwtSecret, IsPort } from './env-validators';
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

class PortEnv extends BaseEnv {
  @IsPort()
  SOME_PORT: number = 3000;
}

describe(IsPort.name, () => {
  it('reads a port number, with its default when unset', () => {
    expect(loadEnv(PortEnv, { SOME_PORT: '8080' }).SOME_PORT).toBe(8080);
    expect(loadEnv(PortEnv, {}).SOME_PORT).toBe(3000);
  });

  it.each(['0', '65536', '80.5', 'http'])('refuses %s, naming the variable', (value) => {
    expect(() => loadEnv(PortEnv, { SOME_PORT: value })).toThrow(/SOME_PORT/);
  });
});
