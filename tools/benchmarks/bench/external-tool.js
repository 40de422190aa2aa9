'use strict';
/** Runs a benchmark script another part of the project provides, if it is there, with a time limit. */
const { spawn } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join, relative } = require('node:path');

const ROOT = join(__dirname, '..', '..', '..');
/** Running tools; each is the leader of its own process group (it may start processes of its own). */
const live = new Set();
let refusing = false;

function stopGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone
  }
}

/** Interrupted run: stops every running tool with all it started, and starts no new one. */
async function stopAllTools() {
  refusing = true;
  await Promise.all(
    [...live].map(
      (child) =>
        new Promise((resolve) => {
          child.once('exit', resolve);
          stopGroup(child, 'SIGTERM');
          setTimeout(() => stopGroup(child, 'SIGKILL'), 10_000).unref();
        }),
    ),
  );
}

/**
 * @returns {Promise<{available: false, why: string} | {available: true, code: number|null, stdout: string, stderr: string, seconds: number}>}
 */
function runTool(path, args, { env = {}, timeoutSeconds }) {
  const script = join(ROOT, path);
  if (!existsSync(script))
    return Promise.resolve({ available: false, why: `${relative(ROOT, script)} is not in this checkout` });
  if (refusing) return Promise.resolve({ available: false, why: 'the run was interrupted' });
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [script, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    live.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-20_000)));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      stopGroup(child, 'SIGTERM');
      setTimeout(() => stopGroup(child, 'SIGKILL'), 15_000).unref();
    }, timeoutSeconds * 1000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      live.delete(child);
      // Whatever the tool left running in its group goes with it.
      stopGroup(child, 'SIGTERM');
      const seconds = (Date.now() - started) / 1000;
      if (timedOut)
        resolve({
          available: false,
          why: `${path} did not finish within ${timeoutSeconds} s`,
          stdout,
          stderr,
          seconds,
        });
      else resolve({ available: true, code, stdout, stderr, seconds });
    });
  });
}

/** The last line of the output that parses as a JSON object. */
function lastJsonLine(text) {
  const lines = text.trim().split('\n').reverse();
  for (const line of lines) {
    try {
      const value = JSON.parse(line);
      if (value && typeof value === 'object') return value;
    } catch {
      // not JSON: a progress line
    }
  }
  return undefined;
}

module.exports = { runTool, lastJsonLine, stopAllTools };
