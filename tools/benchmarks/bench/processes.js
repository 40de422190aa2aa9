'use strict';
/**
 * Linux process look-ups for the RSS figures: who listens on a port, a process's children, its
 * VmRSS. Everything is read from /proc and `ss`, so it works for servers this run did not start.
 */
const { execFileSync } = require('node:child_process');
const { readFileSync, readdirSync } = require('node:fs');

/** Pid of the process listening on a local TCP port, or undefined (needs `ss`). */
function listenerPid(port) {
  try {
    const out = execFileSync('ss', ['-Hltnp', `sport = :${port}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const match = /pid=(\d+)/.exec(out);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Remote ports of the TCP connections a process holds open to 127.0.0.1. */
function connectedPorts(pid) {
  try {
    const out = execFileSync('ss', ['-Htnp', 'state', 'established'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const ports = new Set();
    for (const line of out.split('\n')) {
      if (!line.includes(`pid=${pid},`)) continue;
      const columns = line.trim().split(/\s+/);
      const peer = columns[3] ?? '';
      const port = Number(peer.slice(peer.lastIndexOf(':') + 1));
      if (port) ports.add(port);
    }
    return [...ports];
  } catch {
    return [];
  }
}

function stat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const ppid = Number(text.slice(close + 2).split(' ')[1]);
    return { pid, comm, ppid };
  } catch {
    return undefined;
  }
}

function allProcesses() {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => stat(Number(name)))
    .filter(Boolean);
}

function childrenOf(pid) {
  return allProcesses()
    .filter((process) => process.ppid === pid)
    .map((process) => process.pid);
}

function commandLine(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** The value in KiB of a `Name:  N kB` line of a /proc file of `pid`; 0 without it, undefined once the process is gone. */
function procKiB(pid, file, name) {
  try {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/${file}`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return undefined;
  }
}

/** VmRSS in KiB, or undefined once the process is gone. */
const rssKiB = (pid) => procKiB(pid, 'status', 'VmRSS');

/**
 * Proportional set size in KiB (shared pages split between the processes sharing them), or
 * undefined once the process is gone. For PostgreSQL, whose backends all map the shared buffers,
 * the RSS sum counts those buffers once per backend; the PSS sum does not.
 */
const pssKiB = (pid) => procKiB(pid, 'smaps_rollup', 'Pss');

/**
 * The PostgreSQL postmaster behind a FerretDB process started with a PostgreSQL backend: the
 * listener of a port FerretDB is connected to, else the only postmaster on the machine (a
 * `postgres` process whose parent is not one).
 */
function postmasterFor(ferretPid) {
  if (!ferretPid || !/postgres/i.test(commandLine(ferretPid))) return undefined;
  for (const port of connectedPorts(ferretPid)) {
    const pid = listenerPid(port);
    if (pid && stat(pid)?.comm.startsWith('postgres')) return pid;
  }
  const processes = allProcesses();
  const byPid = new Map(processes.map((process) => [process.pid, process]));
  const postmasters = processes.filter(
    (process) => process.comm.startsWith('postgres') && !byPid.get(process.ppid)?.comm.startsWith('postgres'),
  );
  return postmasters.length === 1 ? postmasters[0].pid : undefined;
}

module.exports = { listenerPid, childrenOf, commandLine, rssKiB, pssKiB, postmasterFor, stat };
