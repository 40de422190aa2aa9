import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';

export interface TestInfra {
  kafkaBrokers: string[];
  mongoUri: string;
  /** Where the endpoints came from, for test logs. */
  origin: 'environment' | 'local' | 'testcontainers';
}

/** The local servers of tools/infra/local-infra.sh: the test instance first, then the dev one. */
const LOCAL_INSTANCES = [
  { name: 'test', kafkaPort: 19092, mongoPort: 27018 },
  { name: 'dev', kafkaPort: 9092, mongoPort: 27017 },
] as const;
const HOW_TO_START =
  'Start the local test servers with `npm run infra:test:up` (tools/infra/local-infra.sh), or point ' +
  'KAFKA_BOOTSTRAP_SERVERS and MONGO_URI at running ones. `npm test` does this by itself.';

export function isPortOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function dockerReachable(): Promise<boolean> {
  return (await isPortOpen('127.0.0.1', 2375, 300)) || existsSync('/var/run/docker.sock');
}

let cached: Promise<TestInfra> | undefined;

/**
 * Kafka and MongoDB for integration tests: endpoints from the environment, else the local servers
 * of tools/infra (its test instance, else its dev instance), else containers when a Docker engine
 * is reachable; with none, a clear error.
 */
export function getTestInfra(): Promise<TestInfra> {
  cached ??= resolveInfra();
  return cached;
}

async function resolveInfra(): Promise<TestInfra> {
  const fromEnv = { kafka: process.env['KAFKA_BOOTSTRAP_SERVERS'], mongo: process.env['MONGO_URI'] };
  if (fromEnv.kafka && fromEnv.mongo) {
    return { kafkaBrokers: fromEnv.kafka.split(','), mongoUri: fromEnv.mongo, origin: 'environment' };
  }
  for (const { kafkaPort, mongoPort } of LOCAL_INSTANCES) {
    const [kafkaUp, mongoUp] = await Promise.all([
      isPortOpen('127.0.0.1', kafkaPort),
      isPortOpen('127.0.0.1', mongoPort),
    ]);
    if (kafkaUp && mongoUp)
      return {
        kafkaBrokers: [`127.0.0.1:${kafkaPort}`],
        mongoUri: `mongodb://127.0.0.1:${mongoPort}`,
        origin: 'local',
      };
  }
  if (await dockerReachable()) return startContainers();
  const tried = LOCAL_INSTANCES.map(
    ({ name, kafkaPort, mongoPort }) => `${name}: Kafka 127.0.0.1:${kafkaPort} + MongoDB 127.0.0.1:${mongoPort}`,
  );
  throw new Error(
    `Integration tests need Kafka and MongoDB, and no local pair answered (${tried.join('; ')}). ${HOW_TO_START}`,
  );
}

async function startContainers(): Promise<TestInfra> {
  // Loaded lazily: only machines with a Docker engine take this path.
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const { MongoDBContainer } = await import('@testcontainers/mongodb');
  const [kafka, mongo] = await Promise.all([
    new KafkaContainer('confluentinc/cp-kafka:7.6.1').withKraft().start(),
    new MongoDBContainer('mongo:7').start(),
  ]);
  return {
    kafkaBrokers: [`${kafka.getHost()}:${kafka.getMappedPort(9093)}`],
    mongoUri: `${mongo.getConnectionString()}?directConnection=true`,
    origin: 'testcontainers',
  };
}
