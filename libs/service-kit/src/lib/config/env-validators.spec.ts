import { randomBytes } from 'node:crypto';
import 'reflect-metadata';
import { BaseEnv } from './base-env';
import { IsJwtSecret, IsPort, IsPortDistinctFrom } from './env-validators';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { weakSecretWarning } from '../bootstrap/run-service';
import { jwtSecretProblem, PUBLISHED_EXAMPLE_SECRETS } from './jwt-secret';
import { ConfigError, loadEnv } from './load-env';

class SecretEnv extends BaseEnv {
  @IsJwtSecret()
  JWT_SECRET!: string;
}

describe(IsJwtSecret.name, () => {
  const strong = randomBytes(32).toString('base64');

  it('accepts 32 bytes or more of varied characters in every environment', () => {
    for (const NODE_ENV of ['production', 'test', 'development']) {
      expect(loadEnv(SecretEnv, { NODE_ENV, JWT_SECRET: strong }).JWT_SECRET).toBe(strong);
    }
  });

  it.each([
    ['x', /shorter than 32 bytes/],
    ['short-secret', /shorter than 32 bytes/],
    ['x'.repeat(48), /one repeated character/],
    [' '.repeat(32), /only whitespace/],
    ['\t \n'.repeat(16), /only whitespace/],
    [PUBLISHED_EXAMPLE_SECRETS[0], /published example value/],
  ])('refuses a weak secret (%#) in every environment, naming the variable but not the value', (secret, reason) => {
    for (const NODE_ENV of ['production', 'test', 'development']) {
      expect(() => loadEnv(SecretEnv, { NODE_ENV, JWT_SECRET: secret })).toThrow(ConfigError);
      expect(() => loadEnv(SecretEnv, { NODE_ENV, JWT_SECRET: secret })).toThrow(reason);
      expect(() => loadEnv(SecretEnv, { NODE_ENV, JWT_SECRET: secret })).toThrow(/^Invalid configuration: JWT_SECRET /);
    }
    if (secret.trim().length > 3) expect(() => loadEnv(SecretEnv, { JWT_SECRET: secret })).not.toThrow(secret.trim());
  });

  it('lets a weak secret through only with DATALAKE_LOCAL_DEV=1, with a warning', () => {
    const config = loadEnv(SecretEnv, { NODE_ENV: 'production', JWT_SECRET: 'dev', DATALAKE_LOCAL_DEV: '1' });
    expect(config.JWT_SECRET).toBe('dev');
    expect(weakSecretWarning('auth-service', config)).toMatch(
      /^auth-service: WARNING: JWT_SECRET is shorter than 32 bytes; accepted only because DATALAKE_LOCAL_DEV=1/,
    );
    expect(() => loadEnv(SecretEnv, { JWT_SECRET: 'dev', DATALAKE_LOCAL_DEV: '0' })).toThrow(/JWT_SECRET/);
    expect(() => loadEnv(SecretEnv, { JWT_SECRET: 'dev', DATALAKE_LOCAL_DEV: 'yes' })).toThrow(/DATALAKE_LOCAL_DEV/);
  });

  it('prints no warning for a strong secret or without the flag', () => {
    expect(
      weakSecretWarning('api-gateway', loadEnv(SecretEnv, { JWT_SECRET: strong, DATALAKE_LOCAL_DEV: '1' })),
    ).toBeUndefined();
    expect(weakSecretWarning('api-gateway', { JWT_SECRET: 'dev' })).toBeUndefined();
  });

  it('requires the secret', () => {
    expect(() => loadEnv(SecretEnv, { NODE_ENV: 'development', DATALAKE_LOCAL_DEV: '1' })).toThrow(
      /JWT_SECRET is required/,
    );
  });
});

describe('PUBLISHED_EXAMPLE_SECRETS', () => {
  const root = join(__dirname, '../../../../..');
  const examples = ['.env.example', 'docker/.env.compose.example', 'k8s/overlays/dev/kustomization.yaml'];

  it.each(examples)('lists the JWT_SECRET and INTERNAL_TOKEN_SECRET published in %s', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    const published = [...text.matchAll(/(?:JWT|INTERNAL_TOKEN)_SECRET[=:]\s*"?([^\s"]+)/g)].map((match) => match[1]);
    expect(published.length).toBeGreaterThan(0);
    for (const secret of published) expect(jwtSecretProblem(secret)).toBe('is a published example value');
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

class ManagedPortEnv extends BaseEnv {
  @IsPort()
  SOME_PORT: number = 3000;

  @IsPortDistinctFrom('SOME_PORT')
  SOME_MANAGEMENT_PORT: number = 9000;
}

describe(IsPortDistinctFrom.name, () => {
  it('reads a management port distinct from the public one', () => {
    expect(loadEnv(ManagedPortEnv, {}).SOME_MANAGEMENT_PORT).toBe(9000);
    expect(loadEnv(ManagedPortEnv, { SOME_MANAGEMENT_PORT: '9100' }).SOME_MANAGEMENT_PORT).toBe(9100);
  });

  it('refuses the public port, naming both variables', () => {
    expect(() => loadEnv(ManagedPortEnv, { SOME_PORT: '4000', SOME_MANAGEMENT_PORT: '4000' })).toThrow(
      'Invalid configuration: SOME_MANAGEMENT_PORT must differ from SOME_PORT',
    );
    expect(() => loadEnv(ManagedPortEnv, { SOME_MANAGEMENT_PORT: '70000' })).toThrow(/SOME_MANAGEMENT_PORT/);
  });
});

describe('weakSecretWarning with INTERNAL_TOKEN_SECRET', () => {
  it('names every weak signing key let through by DATALAKE_LOCAL_DEV=1', () => {
    expect(
      weakSecretWarning('api-gateway', {
        JWT_SECRET: randomBytes(32).toString('hex'),
        INTERNAL_TOKEN_SECRET: PUBLISHED_EXAMPLE_SECRETS[3],
        DATALAKE_LOCAL_DEV: '1',
      }),
    ).toMatch(/^api-gateway: WARNING: INTERNAL_TOKEN_SECRET is a published example value; accepted only because/);
  });
});
