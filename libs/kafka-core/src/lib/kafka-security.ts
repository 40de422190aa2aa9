import { readFileSync } from 'node:fs';

/** SASL mechanisms the services speak (those of Confluent Cloud, MSK, Aiven, Strimzi). */
export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/**
 * How a client authenticates and encrypts, read once from the environment (README "Kafka
 * security"): KAFKA_SSL, KAFKA_SSL_CA_FILE, KAFKA_SSL_REJECT_UNAUTHORIZED, KAFKA_SASL_MECHANISM,
 * KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD.
 */
export interface KafkaSecurity {
  /** TLS to the brokers; `false` for a plaintext listener. */
  tls: false | KafkaTls;
  sasl?: KafkaSasl;
}

export interface KafkaTls {
  /** PEM CA certificate(s) trusted for the brokers; the system's CAs when absent. */
  ca?: string;
  /** Where `ca` came from (for messages). */
  caFile?: string;
  /** Verify the brokers' certificate and host name (default true). */
  rejectUnauthorized: boolean;
}

export interface KafkaSasl {
  mechanism: SaslMechanism;
  username: string;
  password: string;
}

export const PLAINTEXT: KafkaSecurity = { tls: false };

/** A security setting that cannot work; the message names the variable, never the password. */
export class KafkaSecurityConfigError extends Error {
  override readonly name = 'KafkaSecurityConfigError';
}

function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const normalized = raw.toLowerCase();
  if (normalized === 'true' || normalized === '1') return true;
  if (normalized === 'false' || normalized === '0') return false;
  throw new KafkaSecurityConfigError(`${name} must be true or false, got "${raw}"`);
}

function readCaFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new KafkaSecurityConfigError(`KAFKA_SSL_CA_FILE cannot be read (${path}: ${code})`);
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new KafkaSecurityConfigError(`KAFKA_SSL_CA_FILE (${path}) holds no PEM certificate`);
  }
  return text;
}

function readTls(env: NodeJS.ProcessEnv): KafkaSecurity['tls'] {
  const enabled = flag(env, 'KAFKA_SSL', false);
  const caFile = value(env, 'KAFKA_SSL_CA_FILE');
  const rejectRaw = value(env, 'KAFKA_SSL_REJECT_UNAUTHORIZED');
  if (!enabled) {
    if (caFile) throw new KafkaSecurityConfigError('KAFKA_SSL_CA_FILE is set but KAFKA_SSL is not true');
    if (rejectRaw) throw new KafkaSecurityConfigError('KAFKA_SSL_REJECT_UNAUTHORIZED is set but KAFKA_SSL is not true');
    return false;
  }
  const rejectUnauthorized = flag(env, 'KAFKA_SSL_REJECT_UNAUTHORIZED', true);
  return caFile ? { ca: readCaFile(caFile), caFile, rejectUnauthorized } : { rejectUnauthorized };
}

function readSasl(env: NodeJS.ProcessEnv, tls: boolean): KafkaSasl | undefined {
  const rawMechanism = value(env, 'KAFKA_SASL_MECHANISM');
  const username = value(env, 'KAFKA_SASL_USERNAME');
  // a password is taken as written (spaces included), only an empty one counts as missing
  const password = env['KAFKA_SASL_PASSWORD'] || undefined;
  if (!rawMechanism) {
    if (username || password) {
      throw new KafkaSecurityConfigError(
        `KAFKA_SASL_USERNAME/KAFKA_SASL_PASSWORD are set but KAFKA_SASL_MECHANISM is not (one of ${SASL_MECHANISMS.join(', ')})`,
      );
    }
    return undefined;
  }
  const mechanism = rawMechanism.toLowerCase() as SaslMechanism;
  if (!SASL_MECHANISMS.includes(mechanism)) {
    throw new KafkaSecurityConfigError(
      `KAFKA_SASL_MECHANISM must be one of ${SASL_MECHANISMS.join(', ')}, got "${rawMechanism}"`,
    );
  }
  const missing = [username ? '' : 'KAFKA_SASL_USERNAME', password ? '' : 'KAFKA_SASL_PASSWORD'].filter(Boolean);
  if (missing.length > 0) {
    throw new KafkaSecurityConfigError(`KAFKA_SASL_MECHANISM=${mechanism} needs ${missing.join(' and ')}`);
  }
  // PLAIN sends the password as it is: only inside TLS
  if (mechanism === 'plain' && !tls) {
    throw new KafkaSecurityConfigError(
      'KAFKA_SASL_MECHANISM=plain sends the password in clear: it needs KAFKA_SSL=true',
    );
  }
  return { mechanism, username: username as string, password: password as string };
}

/**
 * Reads and checks the Kafka security variables; throws a KafkaSecurityConfigError naming the
 * variable when one is wrong (unknown mechanism, missing credentials, unreadable CA file…).
 * Unset variables mean plaintext without authentication, as before.
 */
export function readKafkaSecurity(env: NodeJS.ProcessEnv = process.env): KafkaSecurity {
  const tls = readTls(env);
  const sasl = readSasl(env, tls !== false);
  return sasl ? { tls, sasl } : { tls };
}

/** One line for start-up logs: protocol, mechanism and user, never the password. */
export function describeKafkaSecurity(security: KafkaSecurity): string {
  const protocol = `${security.sasl ? 'SASL_' : ''}${security.tls ? 'SSL' : 'PLAINTEXT'}`;
  const parts = [protocol];
  if (security.sasl) parts.push(`${security.sasl.mechanism.toUpperCase()} as ${security.sasl.username}`);
  if (security.tls) {
    parts.push(security.tls.caFile ? `CA ${security.tls.caFile}` : 'system CAs');
    if (!security.tls.rejectUnauthorized) parts.push('certificate NOT verified');
  }
  return parts.join(', ');
}
