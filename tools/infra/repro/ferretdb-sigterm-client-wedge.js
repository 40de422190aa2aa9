// Reproduces an open problem: after a graceful stop (SIGTERM) + restart of the faults FerretDB,
// a busy MongoClient sometimes never recovers (no socket, no heartbeat). KILL9=1 uses SIGKILL instead.
// Run from the repo root with the faults instance up: node tools/infra/repro/ferretdb-sigterm-client-wedge.js
const { MongoClient } = require('mongodb');
const { execSync } = require('child_process');
(async () => {
  const mode = process.argv[2];
  const opts = {
    serverSelectionTimeoutMS: 5000,
    connectTimeoutMS: Number(process.env.CT || 30000),
    socketTimeoutMS: Number(process.env.ST || 0),
  };
  if (mode) opts.serverMonitoringMode = mode;
  const c = await MongoClient.connect('mongodb://127.0.0.1:27019', opts);
  const col = c.db('rc').collection('t');
  const ev = {};
  let track = false;
  let lastErr = '';
  for (const e of [
    'connectionCheckOutStarted',
    'connectionCheckedOut',
    'connectionCheckOutFailed',
    'connectionCreated',
    'connectionReady',
    'connectionClosed',
    'connectionPoolCleared',
    'connectionPoolReady',
    'serverHeartbeatStarted',
    'serverHeartbeatSucceeded',
    'serverHeartbeatFailed',
    'serverDescriptionChanged',
    'commandFailed',
  ])
    c.on(e, (x) => {
      if (track) {
        ev[e] = (ev[e] || 0) + 1;
        if (e === 'connectionCheckOutFailed') lastErr = x.reason;
        if (e === 'serverDescriptionChanged') lastErr += ' | ' + x.newDescription.type;
      }
    });
  let ok = 0,
    n = 0,
    stop = false;
  const worker = async () => {
    while (!stop) {
      try {
        if (track && ok === 0) lastErr += '';
        const docs = Array.from({ length: 100 }, () => ({ _id: `d${n++}`, v: 'x'.repeat(500) }));
        await col.insertMany(docs, { ordered: false });
        await Promise.all(docs.slice(0, 8).map((d) => col.findOne({ _id: d._id })));
        ok++;
      } catch (e) {
        if (track) lastErr = 'ERR ' + e.name + ': ' + e.message;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };
  const ws = [worker(), worker(), worker()];
  await new Promise((r) => setTimeout(r, 3000));
  const env = { ...process.env, DATALAKE_INFRA_INSTANCE: 'faults' };
  if (process.env.KILL9)
    execSync('bash tools/infra/local-infra.sh kill ferretdb', { cwd: process.cwd(), env, stdio: 'ignore' });
  else execSync('bash tools/infra/local-infra.sh stop ferretdb', { cwd: process.cwd(), env, stdio: 'ignore' });
  console.log('stopped; ok so far', ok);
  ok = 0;
  await new Promise((r) => setTimeout(r, 10000));
  execSync('bash tools/infra/local-infra.sh up', { cwd: process.cwd(), env, stdio: 'ignore' });
  console.log('restarted');
  ok = 0;
  track = true;
  await new Promise((r) => setTimeout(r, 20000));
  console.log('mode', mode || 'auto', 'batches ok in 20 s after restart:', ok);
  if (ok === 0) {
    console.log(JSON.stringify(ev), String(lastErr).slice(0, 300));
    const f = await MongoClient.connect('mongodb://127.0.0.1:27019', { serverSelectionTimeoutMS: 3000 }).catch(
      (e) => e,
    );
    if (f instanceof Error) console.log('fresh client:', f.message);
    else {
      const t = Date.now();
      const r = await f
        .db('rc')
        .collection('t')
        .insertOne({ v: 1 })
        .then(() => 'ok')
        .catch((e) => e.message);
      console.log('fresh insert:', r, Date.now() - t, 'ms');
      await f.close();
    }
    console.log(
      execSync(
        `/usr/lib/postgresql/15/bin/psql -h 127.0.0.1 -p 25434 -U ferretdb -d ferretdb -At -c "select pid, state, wait_event_type, wait_event, left(query,80) from pg_stat_activity where datname='ferretdb'"`,
      ).toString(),
    );
  }
  stop = true;
  await Promise.race([Promise.all(ws), new Promise((r) => setTimeout(r, 5000))]);
  await c
    .db('rc')
    .dropDatabase()
    .catch(() => 0);
  await c.close();
  process.exit(0);
})();
