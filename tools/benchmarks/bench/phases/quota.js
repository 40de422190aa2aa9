'use strict';
/**
 * Quota exactness under concurrency: a fresh user of the gateway started with the default quota
 * (QUOTA_PER_HOUR=100) sends BENCH_QUOTA_CONCURRENT (150) requests at once; exactly 100 must be
 * answered and the rest refused with 429. Repeated BENCH_REPEATS times, a new user each time.
 */
const { randomBytes } = require('node:crypto');
const { register, token, timed, bearer } = require('../http');

async function runQuota(ctx) {
  const { config } = ctx;
  const gateway = ctx.stack.quotaGateway.url;
  // A cheap read, so that the figure is the quota's and not the storage's: a record by id when the
  // reads phase found some, else the first transaction.
  const id = ctx.samples.transactions?.ids[0];
  const path = id ? `/transactions/${encodeURIComponent(id)}` : '/transactions?limit=1';
  const runs = [];
  for (let repeat = 1; repeat <= config.repeats; repeat++) {
    const user = { username: `bench_q_${randomBytes(4).toString('hex')}`, password: randomBytes(12).toString('hex') };
    await register(gateway, user);
    const accessToken = await token(gateway, user);
    const answers = await Promise.all(
      Array.from({ length: config.quotaConcurrent }, () =>
        timed(`${gateway}${path}`, { headers: bearer(accessToken) }),
      ),
    );
    const statuses = {};
    for (const { status } of answers) statuses[status] = (statuses[status] ?? 0) + 1;
    const run = {
      repeat,
      ok: statuses[200] ?? 0,
      refused: statuses[429] ?? 0,
      other: answers.length - (statuses[200] ?? 0) - (statuses[429] ?? 0),
      statuses,
    };
    ctx.log(
      `quota ${repeat}/${config.repeats}: ${run.ok} × 200, ${run.refused} × 429${run.other ? `, ${run.other} other ${JSON.stringify(statuses)}` : ''}`,
    );
    runs.push(run);
  }
  const expectedOk = Math.min(config.quotaLimit, config.quotaConcurrent);
  return {
    path: id ? 'GET /transactions/:id' : 'GET /transactions?limit=1',
    limit: config.quotaLimit,
    concurrent: config.quotaConcurrent,
    expectedOk,
    expectedRefused: config.quotaConcurrent - expectedOk,
    runs,
  };
}

module.exports = { runQuota };
