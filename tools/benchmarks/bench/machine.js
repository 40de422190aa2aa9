'use strict';
/** What the figures were measured on: machine, versions, checkout. */
const { execFileSync } = require('node:child_process');
const os = require('node:os');
const { join } = require('node:path');

const ROOT = join(__dirname, '..', '..', '..');

function quiet(command, args) {
  try {
    return execFileSync(command, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

async function describeMachine(mongo) {
  let server = 'unknown';
  try {
    const info = await mongo.db('admin').command({ buildInfo: 1 });
    server = info.ferretdbVersion
      ? `FerretDB ${info.ferretdbVersion} (MongoDB wire ${info.version})`
      : `MongoDB ${info.version}`;
    const backend = info.ferretdbFeatures?.backend ?? info.ferretdb?.backend;
    if (backend) server += `, backend ${backend}`;
  } catch {
    // reported as unknown
  }
  return {
    date: new Date().toISOString(),
    cpus: os.availableParallelism?.() ?? os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: os.totalmem() / 1024 ** 3,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    commit:
      quiet('git', ['rev-parse', '--short', 'HEAD']) +
      (quiet('git', ['status', '--porcelain']) ? ' (with uncommitted changes)' : ''),
    branch: quiet('git', ['rev-parse', '--abbrev-ref', 'HEAD']),
    server,
  };
}

module.exports = { describeMachine };
