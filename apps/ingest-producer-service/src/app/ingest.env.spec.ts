import { loadEnv } from '@datalake/service-kit';
import { enabledSources, IngestEnv } from './ingest.env';

const base = {
  KAFKA_BOOTSTRAP_SERVERS: '127.0.0.1:9092',
  MONGO_URI: 'mongodb://127.0.0.1:27017',
  INTERNAL_TOKEN_SECRET: 'a'.repeat(16) + 'b'.repeat(16),
};

describe(IngestEnv.name, () => {
  it('defaults to every source, polling each second, in chunks of 500', () => {
    const sut = loadEnv(IngestEnv, base);
    expect([...enabledSources(sut)]).toEqual(['files', 'tail', 'sqlite', 'syslog']);
    expect(sut).toMatchObject({
      INGEST_POLL_INTERVAL_MS: 1000,
      INGEST_CHUNK_SIZE: 500,
      INGEST_WATCH_POLLING: false,
      SYSLOG_HOST: '0.0.0.0',
    });
    expect(sut).toMatchObject({ KAFKA_MAX_MESSAGE_BYTES: 1_048_576, KAFKA_SEND_TIMEOUT_MS: 8000 });
  });

  it('switches sources on and off', () => {
    expect([...enabledSources(loadEnv(IngestEnv, { ...base, INGEST_SOURCES: 'files, syslog' }))]).toEqual([
      'files',
      'syslog',
    ]);
    expect(enabledSources(loadEnv(IngestEnv, { ...base, INGEST_SOURCES: 'none' })).size).toBe(0);
  });

  it('reads booleans as words', () => {
    expect(loadEnv(IngestEnv, { ...base, INGEST_WATCH_POLLING: 'false' }).INGEST_WATCH_POLLING).toBe(false);
    expect(loadEnv(IngestEnv, { ...base, INGEST_WATCH_POLLING: 'true' }).INGEST_WATCH_POLLING).toBe(true);
  });

  it.each([
    ['INGEST_SOURCES', 'files,ftp', 'INGEST_SOURCES must be "none" or a comma-separated list'],
    ['INGEST_CHUNK_SIZE', '20000', 'INGEST_CHUNK_SIZE'],
    ['INGEST_WATCH_POLLING', 'maybe', 'INGEST_WATCH_POLLING'],
    ['SYSLOG_HOST', 'everywhere', 'SYSLOG_HOST'],
    ['KAFKA_MAX_MESSAGE_BYTES', '1000', 'KAFKA_MAX_MESSAGE_BYTES'],
    ['KAFKA_SEND_TIMEOUT_MS', 'soon', 'KAFKA_SEND_TIMEOUT_MS'],
    ['SQLITE_SOURCES', '[{"name":"a","path":"x","topic":"orders"}]', 'SQLITE_SOURCES entry 0 (a): topic must be'],
    [
      'INGEST_SQLITE_TABLES',
      '{"transactions": 5}',
      'INGEST_SQLITE_TABLES table of transactions must be an SQL identifier',
    ],
  ])('stops with a message naming %s when it is %j', (name, value, message) => {
    expect(() => loadEnv(IngestEnv, { ...base, [name]: value })).toThrow(message);
  });
});
