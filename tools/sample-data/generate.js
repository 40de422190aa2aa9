#!/usr/bin/env node
/**
 * Writes realistic sample data for DataLake's topics (libs/kafka-schemas/catalogue.json) as CSV,
 * NDJSON, JSON and SQLite files, from 10 rows to millions: rows are generated and written in a stream
 * (SQLite in transactions of 10,000), so memory stays flat whatever the size.
 *
 *   node tools/sample-data/generate.js                       # 100 rows of each topic in each format
 *   node tools/sample-data/generate.js --rows 1m --topics transactions --formats csv
 *   node tools/sample-data/generate.js --out /tmp/samples --flat --invalid-rate 0.01
 *   node tools/sample-data/generate.js --demo                # the small set `npm start` drops
 *
 * Options:
 *   --out DIR            inbox root; files go to DIR/<topic>/ (default $INGEST_DIR or .datalake/inbox)
 *   --flat               write into DIR itself, not DIR/<topic>/
 *   --topics LIST        transactions,social_posts,network_logs (default all)
 *   --formats LIST       csv,ndjson,json,sqlite (default all)
 *   --rows N             rows per file: 10, 5000, 200k, 1.5m (default 100)
 *   --prefix ID          prefix of ids, so several runs never share natural keys (default: time based);
 *                        with several formats, ids are <prefix>-<format>-…, one set per file
 *   --seed N             random seed: the same seed and options give the same files (default 42)
 *   --invalid-rate R     share of rows made invalid on purpose (0..1, default 0), to see the DLQ at work
 *   --crlf / --bom       CSV with CRLF line ends / a UTF-8 byte order mark
 *   --recent             timestamps moved so the rows start 10 minutes ago (instead of 2026-01-01):
 *                        what the console's overview (the last hour by default) shows
 *   --demo               20 rows of each topic in each format, into the inbox, --recent
 *
 * Files are written under a temporary name and renamed when complete, as the inbox expects.
 * Prints one line per file; with --json, one JSON object per file.
 */
'use strict';

const { createWriteStream, mkdirSync, renameSync, rmSync } = require('node:fs');
const { once } = require('node:events');
const { join, resolve } = require('node:path');

/** The topic catalogue (libs/kafka-schemas), as its spec checks it in: fields, columns, examples. */
const CATALOGUE = require('../../libs/kafka-schemas/catalogue.json');

const FORMATS = ['csv', 'ndjson', 'json', 'sqlite'];
const EXTENSIONS = { csv: 'csv', ndjson: 'ndjson', json: 'json', sqlite: 'sqlite' };

/** mulberry32: small, fast, seedable; good enough for sample data. */
function random(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min, max) => min + Math.floor(next() * (max - min + 1));
  const pick = (items) => items[Math.floor(next() * items.length)];
  /** Items listed as [value, weight]. */
  const weighted = (items) => {
    const total = items.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = next() * total;
    for (const [value, weight] of items) if ((roll -= weight) < 0) return value;
    return items[items.length - 1][0];
  };
  return { next, int, pick, weighted };
}

const START = Date.UTC(2026, 0, 1);
/** --recent / --demo: the first row this long before now (20 demo rows span at most 80 s). */
const RECENT_LEAD_MS = 10 * 60 * 1000;

const CURRENCIES = [
  ['USD', 50],
  ['EUR', 25],
  ['GBP', 10],
  ['JPY', 5],
  ['CHF', 4],
  ['CAD', 3],
  ['AUD', 3],
];
const ZERO_DECIMAL = new Set(['JPY']);
const MERCHANTS = [
  ['Amazon', 'electronics'],
  ['Whole Foods', 'groceries'],
  ['Shell', 'fuel'],
  ['Uber', 'transport'],
  ['Netflix', 'subscriptions'],
  ['IKEA', 'home'],
  ['Starbucks', 'restaurants'],
  ['Apple Store', 'electronics'],
  ['Lidl', 'groceries'],
  ['Delta Air Lines', 'travel'],
  ['Booking.com', 'travel'],
  ['Zara', 'clothing'],
  ['CVS Pharmacy', 'health'],
  ['Steam', 'games'],
  ['Carrefour', 'groceries'],
  ["Joe's Diner, Brooklyn", 'restaurants'],
];
const STATUSES = [
  ['completed', 88],
  ['pending', 6],
  ['failed', 4],
  ['refunded', 2],
];
const PAYMENT_METHODS = [
  ['card', 70],
  ['paypal', 12],
  ['bank_transfer', 8],
  ['apple_pay', 6],
  ['google_pay', 4],
];
const TEST_CARDS = [
  '4111 1111 1111 1111',
  '5555555555554444',
  '4012888888881881',
  '378282246310005',
  '6011111111111117',
];

const PLATFORMS = [
  ['twitter', 35],
  ['mastodon', 15],
  ['reddit', 20],
  ['instagram', 15],
  ['bluesky', 15],
];
const LANGS = [
  ['en', 60],
  ['fr', 8],
  ['de', 8],
  ['es', 10],
  ['pt-BR', 6],
  ['ja', 4],
  ['it', 4],
];
const FIRST = [
  'alice',
  'bob',
  'carol',
  'dave',
  'erin',
  'frank',
  'grace',
  'heidi',
  'ivan',
  'judy',
  'mallory',
  'oscar',
  'peggy',
  'trent',
  'victor',
  'wendy',
];
const TOPICS_WORDS = [
  'kafka',
  'datalake',
  'streaming',
  'mongodb',
  'nestjs',
  'typescript',
  'devops',
  'ai',
  'climate',
  'football',
  'coffee',
  'music',
  'travel',
  'privacy',
];
const SENTENCES = [
  'Just shipped a new release, feedback welcome',
  'Anyone else seeing latency spikes today?',
  'Great talk on event-driven architecture, "exactly once" is hard',
  'Weekend plans: hiking, coffee, and zero laptops',
  'Thread: how we cut our cloud bill by 40%',
  'Hot take: most dashboards are never looked at',
  'Reading about backpressure in stream processing',
  'The new café downtown makes the best flat white, no contest',
];

const HOSTS = [
  'fw-01.dc1.example.net',
  'fw-02.dc1.example.net',
  'edge-gw.example.net',
  'vpn-01.example.net',
  'core-sw-3.example.net',
];
const PORTS = [
  [443, 40],
  [80, 15],
  [53, 12],
  [22, 8],
  [3306, 4],
  [5432, 4],
  [8080, 7],
  [25, 3],
  [123, 3],
  [3389, 4],
];
const ACTIONS = [
  ['allow', 75],
  ['deny', 15],
  ['drop', 7],
  ['reset', 3],
];
const SEVERITY_BY_ACTION = { allow: 'info', deny: 'warning', drop: 'notice', reset: 'error' };

function privateIp(r) {
  return r.weighted([
    [`10.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`, 6],
    [`192.168.${r.int(0, 10)}.${r.int(1, 254)}`, 3],
    [`172.${r.int(16, 31)}.${r.int(0, 255)}.${r.int(1, 254)}`, 1],
  ]);
}

function publicIp(r) {
  // Documentation ranges (RFC 5737, RFC 3849): realistic-looking, owned by nobody.
  return r.weighted([
    [`203.0.113.${r.int(1, 254)}`, 4],
    [`198.51.100.${r.int(1, 254)}`, 4],
    [`192.0.2.${r.int(1, 254)}`, 2],
    [`2001:db8:${r.int(0, 0xffff).toString(16)}::${r.int(1, 0xffff).toString(16)}`, 1],
  ]);
}

function amountFor(r, currency) {
  // Mostly small purchases, a long tail of large ones.
  const value = Math.exp(r.next() * 7.5) * (ZERO_DECIMAL.has(currency) ? 100 : 1);
  return ZERO_DECIMAL.has(currency) ? String(Math.max(1, Math.round(value))) : Math.max(0.5, value).toFixed(2);
}

/**
 * Hand-written row makers, for realistic values: the n-th row of a topic, plus an invalid variant
 * for --invalid-rate. Their order fixes each topic's random seed, so it never changes.
 */
const ROW_MAKERS = {
  transactions: {
    row(r, n, prefix) {
      const currency = r.weighted(CURRENCIES);
      const [merchant, category] = r.pick(MERCHANTS);
      const paymentMethod = r.weighted(PAYMENT_METHODS);
      return {
        transactionId: `${prefix}-tx-${n}`,
        customerId: `cust-${String(r.int(1, 25_000)).padStart(6, '0')}`,
        amount: amountFor(r, currency),
        currency,
        timestamp: new Date(START + n * 4000 + r.int(0, 3999)).toISOString(),
        merchant,
        category,
        status: r.weighted(STATUSES),
        paymentMethod,
        cardNumber: paymentMethod === 'card' ? r.pick(TEST_CARDS) : '',
      };
    },
    invalid(row, r) {
      return r.pick([
        { ...row, amount: 'twelve' },
        { ...row, currency: 'DOLLARS' },
        { ...row, timestamp: 'yesterday' },
        { ...row, customerId: '' },
      ]);
    },
  },
  social_posts: {
    row(r, n, prefix) {
      const author = `${r.pick(FIRST)}_${r.int(1, 999)}`;
      const tags = Array.from({ length: r.int(0, 3) }, () => `#${r.pick(TOPICS_WORDS)}`);
      const mention = r.next() < 0.3 ? ` cc @${r.pick(FIRST)}_${r.int(1, 999)}` : '';
      const link = r.next() < 0.25 ? ` https://example.com/posts/${n}` : '';
      const multiline = r.next() < 0.05 ? '\nmore in the thread below' : '';
      const likes = Math.floor(Math.exp(r.next() * 9)) - 1;
      return {
        postId: `${prefix}-p-${n}`,
        platform: r.weighted(PLATFORMS),
        author,
        content: `${r.pick(SENTENCES)} ${tags.join(' ')}${mention}${link}${multiline}`.replace(/ +/g, ' ').trim(),
        timestamp: new Date(START + n * 2500 + r.int(0, 2499)).toISOString(),
        likes,
        shares: Math.floor(likes * r.next() * 0.2),
        lang: r.weighted(LANGS),
      };
    },
    invalid(row, r) {
      return r.pick([
        { ...row, content: '' },
        { ...row, platform: 'not a platform!' },
        { ...row, likes: -5 },
        { ...row, timestamp: '31/12/2026' },
      ]);
    },
  },
  network_logs: {
    row(r, n, prefix) {
      const outbound = r.next() < 0.6;
      const sourceIp = outbound ? privateIp(r) : publicIp(r);
      const destIp = outbound ? (r.next() < 0.7 ? publicIp(r) : privateIp(r)) : privateIp(r);
      const destPort = r.weighted(PORTS);
      const protocol = destPort === 53 || destPort === 123 ? 'UDP' : r.next() < 0.03 ? 'ICMP' : 'TCP';
      const sourcePort = r.int(1024, 65535);
      const action = r.weighted(ACTIONS);
      return {
        timestamp: new Date(START + n * 250 + r.int(0, 249)).toISOString(),
        sourceIp,
        destIp,
        sourcePort,
        destPort,
        protocol,
        action,
        bytes: action === 'allow' ? Math.floor(Math.exp(r.next() * 14)) : 0,
        host: r.pick(HOSTS),
        severity: SEVERITY_BY_ACTION[action],
        message: `${action.toUpperCase()} ${protocol} ${sourceIp}:${sourcePort} -> ${destIp}:${destPort} conn=${prefix}-${n}`,
      };
    },
    invalid(row, r) {
      return r.pick([
        { ...row, sourceIp: '999.1.2.3' },
        { ...row, destPort: 70000 },
        { ...row, timestamp: 'now' },
      ]);
    },
  },
};

/**
 * Rows of a topic that has no hand-written maker (a newly added data type): its catalogue example,
 * with unique natural-key values and a timestamp that advances; the invalid variant has a broken timestamp.
 */
function exampleRows(catalogue) {
  const uniqueFields = catalogue.naturalKey.fields.length > 0 ? catalogue.naturalKey.fields : [];
  return {
    row(r, n, prefix) {
      const row = { ...catalogue.example, timestamp: new Date(START + n * 1000 + r.int(0, 999)).toISOString() };
      for (const field of uniqueFields) row[field] = `${prefix}-${row[field]}-${n}`;
      return row;
    },
    invalid(row) {
      return { ...row, timestamp: 'not a time' };
    },
  };
}

/** Topics: those with hand-written rows first (as before), then any other topic of the catalogue. */
const TOPICS = [
  ...Object.keys(ROW_MAKERS).filter((topic) => CATALOGUE.some((entry) => entry.topic === topic)),
  ...CATALOGUE.map((entry) => entry.topic).filter((topic) => !(topic in ROW_MAKERS)),
];

/** Per topic: its sample columns (catalogue fields, without those only some sources fill) and rows. */
const GENERATORS = Object.fromEntries(
  TOPICS.map((topic) => {
    const catalogue = CATALOGUE.find((entry) => entry.topic === topic);
    const columns = catalogue.fields.filter((field) => field.sample !== false).map((field) => field.name);
    return [topic, { columns, ...(ROW_MAKERS[topic] ?? exampleRows(catalogue)) }];
  }),
);

/** Column names in SQLite samples: snake_case, as a real database would have them. */
const snake = (name) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function csvCell(value) {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Yields the file's rows: objects, in order; `invalidRate` of them broken on purpose. */
function* rows(topic, count, options) {
  const generator = GENERATORS[topic];
  const r = random(options.seed ^ ((TOPICS.indexOf(topic) + 1) * 0x9e3779b1));
  const idPrefix = options.idPrefix ?? options.prefix;
  for (let n = 1; n <= count; n++) {
    const row = generator.row(r, n, idPrefix);
    if (options.startAt !== undefined)
      row.timestamp = new Date(Date.parse(row.timestamp) - START + options.startAt).toISOString();
    yield options.invalidRate > 0 && r.next() < options.invalidRate ? generator.invalid(row, r) : row;
  }
}

/** Writes text pieces with backpressure: memory holds one 64 KiB batch at most. */
async function writeStreamed(path, pieces) {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  const failed = once(out, 'error').then(([error]) => {
    throw error;
  });
  let batch = '';
  for (const piece of pieces) {
    batch += piece;
    if (batch.length >= 64 * 1024) {
      if (!out.write(batch)) await Promise.race([once(out, 'drain'), failed]);
      batch = '';
    }
  }
  out.end(batch);
  await Promise.race([once(out, 'finish'), failed]);
}

function* csvText(topic, count, options) {
  const eol = options.crlf ? '\r\n' : '\n';
  const columns = GENERATORS[topic].columns;
  yield (options.bom ? '\uFEFF' : '') + columns.join(',') + eol;
  for (const row of rows(topic, count, options)) yield columns.map((column) => csvCell(row[column])).join(',') + eol;
}

function* ndjsonText(topic, count, options) {
  for (const row of rows(topic, count, options)) yield `${JSON.stringify(row)}\n`;
}

function* jsonText(topic, count, options) {
  yield '[\n';
  let first = true;
  for (const row of rows(topic, count, options)) {
    yield `${first ? '' : ',\n'}  ${JSON.stringify(row)}`;
    first = false;
  }
  yield '\n]\n';
}

function writeSqlite(path, topic, count, options) {
  const Database = require('better-sqlite3');
  const columns = GENERATORS[topic].columns;
  const db = new Database(path);
  try {
    db.pragma('journal_mode = DELETE');
    db.exec(
      `CREATE TABLE "${options.table ?? topic}" (id INTEGER PRIMARY KEY, ${columns.map((c) => `"${snake(c)}"`).join(', ')})`,
    );
    const insert = db.prepare(
      `INSERT INTO "${options.table ?? topic}" (${columns.map((c) => `"${snake(c)}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    );
    const insertMany = db.transaction((batch) => {
      for (const row of batch) insert.run(columns.map((c) => (row[c] === '' || row[c] === undefined ? null : row[c])));
    });
    let batch = [];
    for (const row of rows(topic, count, options)) {
      batch.push(row);
      if (batch.length === 10_000) {
        insertMany(batch);
        batch = [];
      }
    }
    insertMany(batch);
  } finally {
    db.close();
  }
}

/**
 * Writes one sample file (write-then-rename) and returns where it went.
 * @param {{topic: string, format: string, rows: number, dir: string, prefix: string, seed?: number,
 *   invalidRate?: number, crlf?: boolean, bom?: boolean, name?: string, table?: string}} spec
 */
async function generateFile(spec) {
  const options = { seed: 42, invalidRate: 0, ...spec };
  if (!TOPICS.includes(options.topic)) throw new Error(`unknown topic ${options.topic}`);
  if (!FORMATS.includes(options.format)) throw new Error(`unknown format ${options.format}`);
  mkdirSync(options.dir, { recursive: true });
  const name = options.name ?? `${options.topic}-${options.prefix}.${EXTENSIONS[options.format]}`;
  const path = join(options.dir, name);
  const temporary = join(options.dir, `.${name}.tmp`);
  rmSync(temporary, { force: true });
  const started = Date.now();
  if (options.format === 'sqlite') writeSqlite(temporary, options.topic, options.rows, options);
  else {
    const text = { csv: csvText, ndjson: ndjsonText, json: jsonText }[options.format];
    await writeStreamed(temporary, text(options.topic, options.rows, options));
  }
  renameSync(temporary, path);
  return { path, topic: options.topic, format: options.format, rows: options.rows, ms: Date.now() - started };
}

function parseCount(text) {
  const match = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(String(text).trim());
  if (!match) throw new Error(`--rows must be a number like 500, 200k or 1.5m, got ${text}`);
  const scale = { '': 1, k: 1e3, m: 1e6 }[match[2].toLowerCase()];
  return Math.round(Number(match[1]) * scale);
}

function parseArgs(argv) {
  const options = {
    out: process.env.INGEST_DIR || '.datalake/inbox',
    topics: TOPICS,
    formats: FORMATS,
    rows: 100,
    prefix: `s${Date.now().toString(36)}`,
    seed: 42,
    invalidRate: 0,
    flat: false,
    crlf: false,
    bom: false,
    json: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    const list = (allowed) =>
      value()
        .split(',')
        .map((item) => item.trim())
        .map((item) => {
          if (!allowed.includes(item)) throw new Error(`${arg}: ${item} is not one of ${allowed.join(', ')}`);
          return item;
        });
    switch (arg) {
      case '--out':
        options.out = value();
        break;
      case '--topics':
        options.topics = list(TOPICS);
        break;
      case '--formats':
        options.formats = list(FORMATS);
        break;
      case '--rows':
        options.rows = parseCount(value());
        break;
      case '--prefix':
        options.prefix = value();
        if (!/^[A-Za-z0-9_.-]{1,40}$/.test(options.prefix)) throw new Error('--prefix: letters, digits, _ . - only');
        break;
      case '--seed':
        options.seed = Number(value()) >>> 0;
        break;
      case '--invalid-rate':
        options.invalidRate = Number(value());
        if (!(options.invalidRate >= 0 && options.invalidRate <= 1))
          throw new Error('--invalid-rate must be between 0 and 1');
        break;
      case '--flat':
        options.flat = true;
        break;
      case '--crlf':
        options.crlf = true;
        break;
      case '--bom':
        options.bom = true;
        break;
      case '--json':
        options.json = true;
        break;
      case '--recent':
        options.startAt = Date.now() - RECENT_LEAD_MS;
        break;
      case '--demo':
        options.rows = 20;
        options.prefix = `demo${Date.now().toString(36)}`;
        options.startAt = Date.now() - RECENT_LEAD_MS;
        break;
      case '-h':
      case '--help':
        options.help = true;
        break;
      default:
        throw new Error(`unknown option ${arg} (see --help)`);
    }
  }
  return options;
}

async function main(argv = process.argv.slice(2)) {
  let options;
  try {
    options = parseArgs(argv);
  } catch (error) {
    console.error(`generate: ${error.message}`);
    return 2;
  }
  if (options.help) {
    const source = require('node:fs').readFileSync(__filename, 'utf8');
    console.log(source.slice(source.indexOf('/**') + 4, source.indexOf('*/')).replace(/^ \* ?/gm, ''));
    return 0;
  }
  const root = resolve(options.out);
  for (const topic of options.topics) {
    for (const format of options.formats) {
      const dir = options.flat ? root : join(root, topic);
      // Several formats at once: each file its own ids (and rows), so none overwrites another's records.
      const several = options.formats.length > 1;
      const result = await generateFile({
        ...options,
        topic,
        format,
        dir,
        ...(several ? { idPrefix: `${options.prefix}-${format}`, seed: options.seed + FORMATS.indexOf(format) } : {}),
      });
      if (options.json) console.log(JSON.stringify(result));
      else console.log(`${result.path}  ${result.rows} rows  ${result.ms} ms`);
    }
  }
  return 0;
}

module.exports = { generateFile, GENERATORS, TOPICS, FORMATS, parseCount, random };

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      console.error(`generate: ${error.stack ?? error}`);
      process.exit(1);
    },
  );
}
