'use strict';
/** Percentiles and spreads of the figures. */

/** Nearest-rank percentile of a list of numbers (p in 0..100). */
function percentile(values, p) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

const median = (values) => percentile(values, 50);

/** {median, min, max} of repeated measures. */
function spread(values) {
  const finite = values.filter(Number.isFinite);
  if (!finite.length) return { median: NaN, min: NaN, max: NaN, n: 0 };
  return { median: median(finite), min: Math.min(...finite), max: Math.max(...finite), n: finite.length };
}

module.exports = { percentile, median, spread };
