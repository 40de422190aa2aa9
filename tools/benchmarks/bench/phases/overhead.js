'use strict';
/**
 * The gateway-overhead benchmark of the quota work (tools/benchmarks/gateway-overhead.js: GET
 * /transactions/:id direct vs through the gateway, interleaved, with thousands of other quota
 * documents in the hour), run as it is and its output quoted in the report.
 */
const { runTool } = require('../external-tool');

const SCRIPT = 'tools/benchmarks/gateway-overhead.js';

async function runOverhead(ctx) {
  const { config, infra } = ctx;
  const args = (process.env.BENCH_OVERHEAD_ARGS || (config.quick ? '300 2000 1' : '1000 5000 3'))
    .split(/\s+/)
    .filter(Boolean);
  ctx.log(`gateway overhead: node ${SCRIPT} ${args.join(' ')}`);
  ctx.sampler.setPhase('overhead');
  const run = await runTool(SCRIPT, args, {
    env: { MONGO_URI: infra.mongoUri, KAFKA_BOOTSTRAP_SERVERS: infra.kafka },
    timeoutSeconds: config.connectTimeoutSeconds,
  });
  ctx.sampler.setPhase('between');
  if (!run.available) return { available: false, why: run.why, command: `node ${SCRIPT} ${args.join(' ')}` };
  if (run.code !== 0)
    return {
      available: false,
      why: `exited with ${run.code}: ${run.stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 400)}`,
      command: `node ${SCRIPT} ${args.join(' ')}`,
    };
  return {
    available: true,
    command: `node ${SCRIPT} ${args.join(' ')}`,
    output: run.stdout.trim(),
    seconds: run.seconds,
  };
}

module.exports = { runOverhead };
