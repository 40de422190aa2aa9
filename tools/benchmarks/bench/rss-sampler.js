'use strict';
/**
 * Samples the resident memory (VmRSS) of every process of the run every BENCH_RSS_INTERVAL_MS
 * (500 ms) and keeps, per process, the peak of each phase. A target may be several processes
 * (PostgreSQL: the postmaster and its children), whose RSS is summed.
 */
const { rssKiB, pssKiB } = require('./processes');

class RssSampler {
  /** @param {() => Array<{name: string, kind: string, pids: () => number[], measure?: 'rss'|'pss'}>} targets */
  constructor(targets, intervalMs) {
    this.targets = targets;
    this.intervalMs = intervalMs;
    this.phase = 'start';
    /** name -> { kind, current, peaks: Map<phase, MiB> } */
    this.byName = new Map();
    this.timer = undefined;
  }

  start() {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop() {
    clearInterval(this.timer);
  }

  /** Peaks from now on are counted under this phase's name. */
  setPhase(phase) {
    this.sample();
    this.phase = phase;
  }

  sample() {
    for (const target of this.targets()) {
      let total = 0;
      let alive = false;
      for (const pid of target.pids()) {
        const kib = target.measure === 'pss' ? pssKiB(pid) : rssKiB(pid);
        if (kib === undefined) continue;
        alive = true;
        total += kib;
      }
      if (!alive) continue;
      const mib = total / 1024;
      const entry = this.byName.get(target.name) ?? { kind: target.kind, current: 0, peaks: new Map() };
      entry.current = mib;
      entry.peaks.set(this.phase, Math.max(entry.peaks.get(this.phase) ?? 0, mib));
      this.byName.set(target.name, entry);
    }
  }

  /** Current RSS of every target, MiB. */
  snapshot() {
    this.sample();
    return new Map([...this.byName].map(([name, entry]) => [name, entry.current]));
  }

  /** { name, kind, peaks: {phase: MiB}, peak: MiB over the given phases (all when omitted) } */
  report(phases) {
    return [...this.byName].map(([name, entry]) => {
      const peaks = Object.fromEntries(entry.peaks);
      const considered = [...entry.peaks].filter(([phase]) => !phases || phases.includes(phase)).map(([, mib]) => mib);
      return { name, kind: entry.kind, peaks, peak: considered.length ? Math.max(...considered) : undefined };
    });
  }
}

module.exports = { RssSampler };
