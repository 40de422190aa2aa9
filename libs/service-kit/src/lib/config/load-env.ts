import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync } from 'class-validator';

/** A configuration problem; its message names the offending variables and fits on one line. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Validates environment variables into a typed object once, at boot. Unknown variables are
 * ignored; a missing or malformed one throws a ConfigError naming it.
 */
export function loadEnv<T extends object>(cls: ClassConstructor<T>, env: NodeJS.ProcessEnv = process.env): T {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const config = plainToInstance(cls, present, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(config, { skipMissingProperties: false });
  if (errors.length > 0) {
    const problems = errors.map((error) => {
      const value = env[error.property];
      const reason = value === undefined || value === '' ? 'is required' : Object.values(error.constraints ?? {})[0];
      return `${error.property} ${reason.replace(new RegExp(`^${error.property}\\s*`), '')}`;
    });
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return config;
}
