'use strict';
/**
 * Kafka and the MongoDB-wire server of the run: the servers named by BENCH_KAFKA/BENCH_MONGO_URI,
 * else the "bench" instance of tools/infra/local-infra.sh (started empty when it is not running,
 * stopped again at the end). Also finds the server processes for the RSS figures.
 */
const { execFile } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { promisify } = require('node:util');
const { listenerPid, childrenOf, postmasterFor, rssKiB } = require('./processes');
const { isPortOpen } = require('./ts-libs').testing();

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');
const SCRIPT = join(ROOT, 'tools', 'infra', 'local-infra.sh');
/** Ports of the bench instance (tools/infra/local-infra.sh, DATALAKE_INFRA_INSTANCE=bench). */
const BENCH_PORTS = { kafka: 39092, mongo: 27020 };

function instanceSupported(instance) {
  return new RegExp(`^\\s*${instance}\\)`, 'm').test(readFileSync(SCRIPT, 'utf8'));
}

async function localInfra(instance, command, log) {
  // The instance's own ports: endpoints in the environment would make the script leave them alone.
  const env = { ...process.env, DATALAKE_INFRA_INSTANCE: instance };
  delete env.KAFKA_BOOTSTRAP_SERVERS;
  delete env.MONGO_URI;
  log(`tools/infra/local-infra.sh ${command} (DATALAKE_INFRA_INSTANCE=${instance})`);
  const { stdout } = await run('bash', [SCRIPT, command], { cwd: ROOT, env, maxBuffer: 16 << 20 });
  return stdout;
}

function portOf(address, fallback) {
  const match = /:(\d+)(?:\/|$|\?|,)/.exec(address);
  return match ? Number(match[1]) : fallback;
}

/**
 * @returns {Promise<{kafka: string, mongoUri: string, origin: string, owned: boolean,
 *   serverTargets: () => Array, stop: () => Promise<void>}>}
 */
async function startInfra(config, log) {
  let infra;
  // Servers the run did not start are left as they are.
  const leaveRunning = async () => undefined;
  if (config.kafka) {
    infra = {
      kafka: config.kafka,
      mongoUri: config.mongoUri,
      origin: 'BENCH_KAFKA / BENCH_MONGO_URI',
      owned: false,
      stop: leaveRunning,
    };
  } else {
    const instance = config.infraInstance;
    if (!instanceSupported(instance)) {
      throw new Error(
        `tools/infra/local-infra.sh has no "${instance}" instance yet: point BENCH_KAFKA and BENCH_MONGO_URI at running servers ` +
          `(e.g. BENCH_KAFKA=127.0.0.1:19092 BENCH_MONGO_URI=mongodb://127.0.0.1:27018)`,
      );
    }
    const kafka = `127.0.0.1:${BENCH_PORTS.kafka}`;
    const mongoUri = `mongodb://127.0.0.1:${BENCH_PORTS.mongo}`;
    const [kafkaUp, mongoUp] = await Promise.all([
      isPortOpen('127.0.0.1', BENCH_PORTS.kafka),
      isPortOpen('127.0.0.1', BENCH_PORTS.mongo),
    ]);
    if (kafkaUp && mongoUp) {
      // Someone's bench instance (maybe another checkout's): used as it is, never reset or stopped.
      infra = { kafka, mongoUri, origin: `${instance} instance, already running`, owned: false, stop: leaveRunning };
    } else if (kafkaUp || mongoUp) {
      throw new Error(
        `the ${instance} instance is half up (Kafka ${kafkaUp ? 'up' : 'down'}, MongoDB ${mongoUp ? 'up' : 'down'}): fix or stop it first`,
      );
    } else {
      // Started empty, as the figures at each size need exactly that many records stored.
      await localInfra(instance, 'reset', log);
      await localInfra(instance, 'up', log);
      infra = {
        kafka,
        mongoUri,
        origin: `${instance} instance, started empty by this run`,
        owned: true,
        stop: async () => {
          if (config.keepInfra) return log(`BENCH_KEEP_INFRA=1: the ${instance} instance keeps running`);
          await localInfra(instance, 'down', log);
        },
      };
    }
  }
  const kafkaPort = portOf(infra.kafka, 9092);
  const mongoPort = portOf(infra.mongoUri, 27017);
  // Looked up again whenever the process found last is gone (a server restarted during the run).
  const cached = (find) => {
    let pid;
    let lookedAt = 0;
    return () => {
      const gone = !pid || rssKiB(pid) === undefined;
      if (gone && Date.now() - lookedAt > 5_000) {
        lookedAt = Date.now();
        pid = find();
      }
      return gone && !pid ? undefined : pid;
    };
  };
  const ferret = cached(() => listenerPid(mongoPort));
  const broker = cached(() => listenerPid(kafkaPort));
  const postmaster = cached(() => postmasterFor(ferret()));
  const postgresPids = () => {
    const pid = postmaster();
    return pid ? [pid, ...childrenOf(pid)] : [];
  };
  infra.serverTargets = [
    { name: 'Kafka broker', kind: 'server', pids: () => [broker()].filter(Boolean) },
    { name: 'FerretDB', kind: 'server', pids: () => [ferret()].filter(Boolean) },
    { name: 'PostgreSQL (postmaster + children, RSS sum)', kind: 'server', pids: postgresPids },
    { name: 'PostgreSQL (postmaster + children, PSS sum)', kind: 'server', pids: postgresPids, measure: 'pss' },
  ];
  infra.hasPostgres = () => Boolean(postmaster());
  return infra;
}

module.exports = { startInfra, BENCH_PORTS };
