import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeKafkaSecurity, KafkaSecurityConfigError, readKafkaSecurity } from './kafka-security';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const SECRET = 'hunter2-very-secret';

describe('readKafkaSecurity', () => {
  let dir: string;
  let caFile: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kafka-security-'));
    caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, PEM);
    writeFileSync(join(dir, 'not-a-cert.txt'), 'hello');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('means plaintext without authentication when nothing is set', () => {
    expect(readKafkaSecurity({})).toEqual({ tls: false });
    expect(readKafkaSecurity({ KAFKA_SSL: 'false', KAFKA_SASL_MECHANISM: '' })).toEqual({ tls: false });
  });

  it('reads TLS with the system CAs, a CA file and the verification switch', () => {
    expect(readKafkaSecurity({ KAFKA_SSL: 'true' })).toEqual({ tls: { rejectUnauthorized: true } });
    expect(readKafkaSecurity({ KAFKA_SSL: '1', KAFKA_SSL_CA_FILE: caFile })).toEqual({
      tls: { ca: PEM, caFile, rejectUnauthorized: true },
    });
    expect(readKafkaSecurity({ KAFKA_SSL: 'TRUE', KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' })).toEqual({
      tls: { rejectUnauthorized: false },
    });
  });

  it.each(['plain', 'scram-sha-256', 'scram-sha-512', 'SCRAM-SHA-512'])('reads SASL mechanism %s', (mechanism) => {
    const security = readKafkaSecurity({
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: mechanism,
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD: SECRET,
    });
    expect(security.sasl).toEqual({ mechanism: mechanism.toLowerCase(), username: 'svc', password: SECRET });
  });

  it('allows SCRAM without TLS (the password never crosses the wire)', () => {
    const env = { KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: SECRET };
    expect(readKafkaSecurity(env)).toEqual({
      tls: false,
      sasl: { mechanism: 'scram-sha-256', username: 'svc', password: SECRET },
    });
  });

  it.each<[string, NodeJS.ProcessEnv, RegExp]>([
    ['a KAFKA_SSL that is not a boolean', { KAFKA_SSL: 'yes' }, /^KAFKA_SSL must be true or false, got "yes"$/],
    [
      'an unknown mechanism',
      { KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: SECRET },
      /KAFKA_SASL_MECHANISM must be one of plain, scram-sha-256, scram-sha-512, got "gssapi"/,
    ],
    [
      'a mechanism without username and password',
      { KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-512' },
      /KAFKA_SASL_MECHANISM=scram-sha-512 needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/,
    ],
    [
      'a mechanism without a password',
      { KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'svc' },
      /needs KAFKA_SASL_PASSWORD$/,
    ],
    [
      'credentials without a mechanism',
      { KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: SECRET },
      /are set but KAFKA_SASL_MECHANISM is not/,
    ],
    [
      'PLAIN without TLS',
      { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: SECRET },
      /plain sends the password in clear: it needs KAFKA_SSL=true/,
    ],
    [
      'a CA file without TLS',
      { KAFKA_SSL_CA_FILE: '/etc/ssl/ca.pem' },
      /KAFKA_SSL_CA_FILE is set but KAFKA_SSL is not true/,
    ],
    [
      'a CA file that does not exist',
      { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/nonexistent/ca.pem' },
      /KAFKA_SSL_CA_FILE cannot be read \(\/nonexistent\/ca.pem: ENOENT\)/,
    ],
    [
      'a KAFKA_SSL_REJECT_UNAUTHORIZED that is not a boolean',
      { KAFKA_SSL: 'true', KAFKA_SSL_REJECT_UNAUTHORIZED: 'maybe' },
      /^KAFKA_SSL_REJECT_UNAUTHORIZED must be true or false/,
    ],
  ])('refuses %s with a message naming the variable, never the password', (_name, env, message) => {
    let thrown: unknown;
    try {
      readKafkaSecurity(env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(KafkaSecurityConfigError);
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).not.toContain(SECRET);
  });

  it('refuses a CA file that holds no certificate', () => {
    const path = join(dir, 'not-a-cert.txt');
    expect(() => readKafkaSecurity({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: path })).toThrow(
      `KAFKA_SSL_CA_FILE (${path}) holds no PEM certificate`,
    );
  });

  it('describes the settings without the password', () => {
    const security = readKafkaSecurity({
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: caFile,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD: SECRET,
    });
    const text = describeKafkaSecurity(security);
    expect(text).toBe(`SASL_SSL, SCRAM-SHA-512 as svc, CA ${caFile}`);
    expect(describeKafkaSecurity({ tls: false })).toBe('PLAINTEXT');
    expect(describeKafkaSecurity({ tls: { rejectUnauthorized: false } })).toBe(
      'SSL, system CAs, certificate NOT verified',
    );
  });
});
