'use strict';
/**
 * The jars of the connector benchmark, fetched from Maven Central once and cached as
 * tools/infra/local-infra.sh caches the broker's: Kafka Connect's worker classpath (pom.xml's
 * dependencies) and the MongoDB sink connector's self-contained "all" jar as a plugin.
 *
 *   <cache>/connect-<kafka>/libs/*.jar                                        worker classpath
 *   <cache>/connect-<kafka>/plugins/mongo-kafka-connect-<ver>/…-all.jar       plugin.path entry
 *
 * <cache> is $DATALAKE_CACHE_DIR, else $XDG_CACHE_HOME/datalake, else ~/.cache/datalake.
 */
const { spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { homedir } = require('node:os');
const { basename, join } = require('node:path');

const KAFKA_VERSION = '4.1.1';
const CONNECTOR_VERSION = '1.13.0';
const POM = join(__dirname, 'pom.xml');

function cacheRoot() {
  if (process.env.DATALAKE_CACHE_DIR) return process.env.DATALAKE_CACHE_DIR;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'datalake');
}

function mvn(args, logFile) {
  const result = spawnSync('mvn', ['-q', '-B', '-f', POM, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error?.code === 'ENOENT') {
    throw new Error(
      'mvn not found: Maven fetches Kafka Connect and the MongoDB connector from Maven Central (once, then cached). Install it, e.g. apt-get install maven',
    );
  }
  writeFileSync(logFile, `${result.stdout ?? ''}${result.stderr ?? ''}`);
  return result.status === 0;
}

function lastLines(file, count = 20) {
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-count).join('\n');
}

/**
 * Runs one Maven fetch into a fresh folder and moves it into place only when complete. The log
 * goes to logDir: nothing but plugins may sit in plugin.path.
 */
function fetchInto(target, logDir, what, args) {
  const partial = `${target}.tmp.${process.pid}`;
  const log = join(logDir, `${basename(target)}.fetch.log`);
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  if (!mvn([...args, `-DoutputDirectory=${partial}`], log)) {
    rmSync(partial, { recursive: true, force: true });
    throw new Error(`Maven could not fetch ${what} (log: ${log}):\n${lastLines(log)}`);
  }
  rmSync(target, { recursive: true, force: true });
  renameSync(partial, target);
}

function needJava() {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error)
    throw new Error(
      'java not found: Kafka Connect 4.1 needs Java 17 or newer (e.g. apt-get install openjdk-17-jre-headless)',
    );
  const major = Number(/version "(\d+)/.exec(result.stderr ?? '')?.[1]);
  if (major && major < 17) throw new Error(`java ${major} found, but Kafka Connect 4.1 needs Java 17 or newer`);
}

/**
 * Makes sure the worker's classpath and the connector plugin are in the cache (fetching them on
 * first use) and returns their folders. Throws with Maven's last log lines when it cannot.
 */
function ensureConnectJars(log = (line) => process.stderr.write(`${line}\n`)) {
  needJava();
  const home = join(cacheRoot(), `connect-${KAFKA_VERSION}`);
  const libs = join(home, 'libs');
  const plugins = join(home, 'plugins');
  const plugin = join(plugins, `mongo-kafka-connect-${CONNECTOR_VERSION}`);
  const key = createHash('sha256').update(readFileSync(POM)).update(CONNECTOR_VERSION).digest('hex').slice(0, 16);
  const stamp = join(home, '.complete');
  const complete =
    existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === key && existsSync(libs) && existsSync(plugin);
  if (!complete) {
    mkdirSync(home, { recursive: true });
    log(
      `connect-sink: fetching Kafka Connect ${KAFKA_VERSION} and mongo-kafka-connect ${CONNECTOR_VERSION} with Maven into ${home} (first time only)...`,
    );
    fetchInto(
      libs,
      home,
      `the Kafka Connect ${KAFKA_VERSION} jars (org.apache.kafka:connect-runtime and its dependencies)`,
      [`-Dkafka.version=${KAFKA_VERSION}`, 'dependency:copy-dependencies', '-DincludeScope=runtime'],
    );
    if (!readdirSync(libs).includes(`connect-runtime-${KAFKA_VERSION}.jar`))
      throw new Error(`Maven ran but connect-runtime-${KAFKA_VERSION}.jar is missing in ${libs}`);
    mkdirSync(plugins, { recursive: true });
    fetchInto(plugin, home, `org.mongodb.kafka:mongo-kafka-connect:${CONNECTOR_VERSION} (classifier all)`, [
      'dependency:copy',
      `-Dartifact=org.mongodb.kafka:mongo-kafka-connect:${CONNECTOR_VERSION}:jar:all`,
    ]);
    writeFileSync(stamp, `${key}\n`);
  }
  return { libs, plugins, kafkaVersion: KAFKA_VERSION, connectorVersion: CONNECTOR_VERSION };
}

module.exports = { ensureConnectJars, KAFKA_VERSION, CONNECTOR_VERSION };
