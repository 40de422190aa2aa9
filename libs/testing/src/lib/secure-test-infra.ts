import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from './service-process';

/** The secure listeners of a local infra instance (tools/infra/local-infra.sh writes them). */
export interface SecureTestInfra {
  instance: string;
  /** PEM CA that signed both servers' certificate. */
  caFile: string;
  /** Kafka SASL_SSL listener with SCRAM-SHA-256 and -512 users. */
  kafka: { brokers: string[]; username: string; password: string };
  /** MongoDB wire protocol over TLS: `mongodb://host:port/?tls=true&tlsCAFile=...`. */
  mongoTlsUri: string;
}

/** The plain Kafka port of each instance, to know whose state folder to read. */
const INSTANCE_BY_KAFKA_PORT: Record<string, string> = {
  '9092': 'dev',
  '19092': 'test',
  '29092': 'faults',
  '39092': 'bench',
};

interface SecureListenersFile {
  instance: string;
  caFile: string;
  kafka: { brokers: string[]; username: string; passwordFile: string };
  mongo: { uri: string };
}

/**
 * Where the instance's `secure-listeners.json` is: DATALAKE_SECURE_LISTENERS_FILE when set (npm
 * test sets it), else `.datalake[/<instance>]/secure-listeners.json` of this checkout, the instance
 * named by the port of KAFKA_BOOTSTRAP_SERVERS (default the test instance).
 */
export function secureListenersFile(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['DATALAKE_SECURE_LISTENERS_FILE'];
  if (explicit) return explicit;
  const port = (env['KAFKA_BOOTSTRAP_SERVERS'] ?? '127.0.0.1:19092').split(',')[0].split(':').pop() ?? '';
  const instance = INSTANCE_BY_KAFKA_PORT[port] ?? 'test';
  const stateDir = instance === 'dev' ? join(WORKSPACE_ROOT, '.datalake') : join(WORKSPACE_ROOT, '.datalake', instance);
  return join(stateDir, 'secure-listeners.json');
}

/**
 * The SASL_SSL Kafka listener and the TLS MongoDB listener of the local instance the tests use,
 * with the CA file and the SCRAM password read from the instance's state folder. Throws saying how
 * to start them when they are not there.
 */
export function getSecureTestInfra(env: NodeJS.ProcessEnv = process.env): SecureTestInfra {
  const file = secureListenersFile(env);
  const howTo =
    'Start the instance with its secure listeners: `DATALAKE_INFRA_INSTANCE=test bash tools/infra/local-infra.sh up` ' +
    "(an instance started before they existed needs 'down' then 'up'; `npm test` does this by itself), " +
    'or point DATALAKE_SECURE_LISTENERS_FILE at the secure-listeners.json of a running instance.';
  if (!existsSync(file)) {
    throw new Error(`No secure listeners found: ${file} does not exist. ${howTo}`);
  }
  const info = JSON.parse(readFileSync(file, 'utf8')) as SecureListenersFile;
  for (const path of [info.caFile, info.kafka.passwordFile]) {
    if (!existsSync(path)) throw new Error(`${file} names ${path}, which does not exist. ${howTo}`);
  }
  return {
    instance: info.instance,
    caFile: info.caFile,
    kafka: {
      brokers: info.kafka.brokers,
      username: info.kafka.username,
      password: readFileSync(info.kafka.passwordFile, 'utf8').trim(),
    },
    mongoTlsUri: info.mongo.uri,
  };
}
