import { deepJson, garbageBytes, type CorpusCase } from '../support/corpus-case';

export type InboxOutcome = 'processed' | 'failed' | 'ignored';

/** What a case drops into `<INGEST_DIR>/<topic>/`. */
export interface InboxDrop {
  topic: 'transactions' | 'social_posts' | 'network_logs';
  name: string;
  content?: string | Buffer;
  /** A symbolic link to a file the runner writes outside the inbox with this content. */
  symlinkTo?: { content: string } | { path: string };
  /** A named pipe (not a regular file). */
  fifo?: boolean;
  /** A SQLite database built by the runner: statements run in order. */
  sqlite?: string[];
}

export interface InboxExpectation {
  /** Where the file must end up (alternatives where the issue leaves it open). */
  outcome: readonly InboxOutcome[];
  /** A report beside the moved file (`.report.json` in processed/, `.error.json` in failed/). */
  report?: boolean;
  /** Patterns the report's JSON text must match (e.g. the row it names). */
  reportMatches?: readonly RegExp[];
  /** Text the report must not quote (a symlink target's content). */
  reportMustNotContain?: readonly string[];
  /** Transactions of customer `<tag>-<case id>` that must be stored. */
  storedTransactions?: number;
  /** x-dlq-error-code of each DLQ entry carrying this file as its source, in any order. */
  dlqCodes?: readonly (string | readonly string[])[];
  /** A line the ingest service logs about the file. */
  logLine?: RegExp;
}

export interface InboxCase extends CorpusCase {
  surface: 'inbox';
  drop(tag: string): InboxDrop;
  expect: InboxExpectation;
}

const CSV_HEADER = 'transactionId,customerId,amount,currency,timestamp';
const csvRow = (
  tag: string,
  id: string,
  n: number,
  overrides: Partial<Record<'amount' | 'timestamp' | 'currency', string>> = {},
) =>
  [
    `${tag}-${id}-${n}`,
    `${tag}-${id}`,
    overrides.amount ?? `${n}.50`,
    overrides.currency ?? 'usd',
    overrides.timestamp ?? '2026-11-24T10:00:00Z',
  ].join(',');
const txJson = (tag: string, id: string, n: number, extra: Record<string, unknown> = {}) => ({
  transactionId: `${tag}-${id}-${n}`,
  customerId: `${tag}-${id}`,
  amount: `${n}.25`,
  currency: 'eur',
  timestamp: '2026-11-24T10:00:00Z',
  ...extra,
});
const ndjson = (items: unknown[]) =>
  items.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join('\n') + '\n';
const CSV_TARGET = `${CSV_HEADER}\nsymlinked-1,symlinked-cust,9.99,usd,2026-11-24T10:00:00Z\nSECRET-LINE-NOT-TO-QUOTE\n`;

/**
 * Inbox files broken in many ways. Each one is dropped at once with the others; the runner then
 * waits for every file to leave the inbox (or to be ignored) and checks its report, its DLQ
 * entries and what was stored. Ids `<tag>-<case>-<n>` keep each case's rows its own.
 */
export const INBOX_CASES: InboxCase[] = [
  {
    id: 'inbox-01',
    surface: 'inbox',
    title: 'CSV whose header lacks required columns',
    drop: (tag) => ({
      topic: 'transactions',
      name: `${tag}-i01.csv`,
      content: `transactionId,amount\n${tag}-i01-1,5\n`,
    }),
    expect: { outcome: ['failed'], report: true, reportMatches: [/WRONG_HEADER/, /line 1/, /customerId/] },
  },
  {
    id: 'inbox-02',
    surface: 'inbox',
    title: 'CSV with an unclosed quote on line 4 (rows before it stored)',
    drop: (tag) => ({
      topic: 'transactions',
      name: `${tag}-i02.csv`,
      content: [
        CSV_HEADER,
        csvRow(tag, 'i02', 1),
        csvRow(tag, 'i02', 2),
        `"${tag}-i02-3,${tag}-i02,1,usd,2026-11-24T10:00:00Z`,
        '',
      ].join('\n'),
    }),
    expect: { outcome: ['failed'], report: true, reportMatches: [/line 4/, /quote/i], storedTransactions: 2 },
  },
  {
    id: 'inbox-03',
    surface: 'inbox',
    title: 'CSV with a row of the wrong field count between good rows',
    drop: (tag) => ({
      topic: 'transactions',
      name: `${tag}-i03.csv`,
      content: [CSV_HEADER, csvRow(tag, 'i03', 1), 'a,b,c', csvRow(tag, 'i03', 3), ''].join('\n'),
    }),
    expect: {
      outcome: ['processed'],
      report: true,
      reportMatches: [/line 3/, /INVALID_CSV_ROW/],
      storedTransactions: 2,
      dlqCodes: ['INVALID_CSV_ROW'],
    },
  },
  {
    id: 'inbox-04',
    surface: 'inbox',
    title: 'CSV with a UTF-8 BOM and CRLF line ends (valid)',
    drop: (tag) => ({
      topic: 'transactions',
      name: `${tag}-i04.csv`,
      content: '\uFEFF' + [CSV_HEADER, csvRow(tag, 'i04', 1), csvRow(tag, 'i04', 2), ''].join('\r\n'),
    }),
    expect: { outcome: ['processed'], storedTransactions: 2, dlqCodes: [] },
  },
  {
    id: 'inbox-05',
    surface: 'inbox',
    title: 'CSV with an amount "twelve" on line 2',
    drop: (tag) => ({
      topic: 'transactions',
      name: `${tag}-i05.csv`,
      content: [CSV_HEADER, csvRow(tag, 'i05', 1, { amount: 'twelve' }), csvRow(tag, 'i05', 2), ''].join('\n'),
    }),
    expect: {
      outcome: ['processed'],
      report: true,
      reportMatches: [/line 2/, /amount/],
      storedTransactions: 1,
      dlqCodes: ['INVALID_PAYLOAD'],
    },
  },
  {
    id: 'inbox-06',
    surface: 'inbox',
    title: 'CSV with an impossible date 2026-02-30 on line 2',
    drop: (tag) => ({
      topic: 'transactions',
      name: `${tag}-i06.csv`,
      content: [
        CSV_HEADER,
        csvRow(tag, 'i06', 1, { timestamp: '2026-02-30T00:00:00Z' }),
        csvRow(tag, 'i06', 2),
        '',
      ].join('\n'),
    }),
    expect: {
      outcome: ['processed'],
      report: true,
      reportMatches: [/line 2/, /timestamp/],
      storedTransactions: 1,
      dlqCodes: ['INVALID_PAYLOAD'],
    },
  },
  {
    id: 'inbox-07',
    surface: 'inbox',
    title: 'CSV with one field over 1 MB on line 2, good rows after it',
    drop: (tag) => ({
      topic: 'transactions',
      name: `${tag}-i07.csv`,
      content: [
        CSV_HEADER,
        csvRow(tag, 'i07', 1, { currency: 'x'.repeat(1_100_000) }),
        csvRow(tag, 'i07', 2),
        csvRow(tag, 'i07', 3),
        '',
      ].join('\n'),
    }),
    expect: {
      outcome: ['processed'],
      report: true,
      reportMatches: [/line 2/],
      storedTransactions: 2,
      dlqCodes: [['TOO_LARGE', 'INVALID_CSV_ROW', 'INVALID_PAYLOAD']],
    },
  },
  {
    id: 'inbox-08',
    surface: 'inbox',
    title: 'CSV with a header row only',
    drop: (tag) => ({ topic: 'transactions', name: `${tag}-i08.csv`, content: `${CSV_HEADER}\n` }),
    expect: { outcome: ['processed'], storedTransactions: 0, dlqCodes: [] },
  },
  {
    // The issue leaves it open: processed/ with a report, or failed/ with a report; a report either way.
    id: 'inbox-09',
    surface: 'inbox',
    title: '0-byte .csv',
    drop: (tag) => ({ topic: 'transactions', name: `${tag}-i09.csv`, content: '' }),
    expect: {
      outcome: ['processed', 'failed'],
      report: true,
      reportMatches: [/empty|0.?bytes?|no rows|no data|no records/i],
    },
  },
  {
    id: 'inbox-10',
    surface: 'inbox',
    title: '0-byte .json',
    drop: (tag) => ({ topic: 'transactions', name: `${tag}-i10.json`, content: '' }),
    expect: {
      outcome: ['processed', 'failed'],
      report: true,
      reportMatches: [/empty|0.?bytes?|no rows|no data|no records/i],
    },
  },
  {
    id: 'inbox-11',
    surface: 'inbox',
    title: '0-byte .ndjson',
    drop: (tag) => ({ topic: 'transactions', name: `${tag}-i11.ndjson`, content: '' }),
    expect: {
      outcome: ['processed', 'failed'],
      report: true,
      reportMatches: [/empty|0.?bytes?|no rows|no data|no records/i],
    },
  },
  {
    // A malformed item that can still be told apart from its neighbours is one bad row (DESIGN.md:
    // bad rows in a good file are reported and dead-lettered); only a file whose structure breaks
    // (ends inside a value, text after the array) is unreadable as a whole (inbox-13 and others).
    id: 'inbox-12',
    surface: 'inbox',
    title: 'JSON array whose third item is malformed (first two stored, item 3 reported)',
    drop: (tag) => ({
      topic: 'transactions',
      name: `${tag}-i12.json`,
      content: `[${JSON.stringify(txJson(tag, 'i12', 1))},${JSON.stringify(txJson(tag, 'i12', 2))},{"transactionId": oops}]`,
    }),
    expect: { outcome: ['processed'], report: true, reportMatches: [/item 3/, /INVALID_JSON/], storedTransactions: 2 },
  },
  {
    id: 'inbox-13',
    surface: 'inbox',
    title: 'JSON file holding a bare string',
    drop: (tag) => ({ topic: 'transactions', name: `${tag}-i13.json`, content: '"hello"' }),
    expect: { outcome: ['failed'], report: true, reportMatches: [/array or object/] },
  },
  {
    id: 'inbox-14',
    surface: 'inbox',
    title: 'JSON item nested 6,000 deep between good items',
    drop: (tag) => ({
      topic: 'transactions',
      name: `${tag}-i14.json`,
      content: `[${JSON.stringify(txJson(tag, 'i14', 1))},${JSON.stringify(txJson(tag, 'i14', 2)).replace(/}$/, `,"extra":${deepJson(6000)}}`)},${JSON.stringify(txJson(tag, 'i14', 3))}]`,
    }),
    expect: {
      outcome: ['processed'],
      report: true,
      reportMatches: [/item 2/, /TOO_DEEP/],
      storedTransactions: 2,
      dlqCodes: ['TOO_DEEP'],
    },
  },
  {
    id: 'inbox-15',
    surface: 'inbox',
    title: 'JSON array of non-objects beside one good item',
    drop: (tag) => ({
      topic: 'transactions',
      name: `${tag}-i15.json`,
      content: `[1,"x",null,[],${JSON.stringify(txJson(tag, 'i15', 5))}]`,
    }),
    expect: {
      outcome: ['processed'],
      report: true,
      reportMatches: [/item 1/, /item 4/],
      storedTransactions: 1,
      dlqCodes: ['INVALID_PAYLOAD', 'INVALID_PAYLOAD', 'INVALID_PAYLOAD', 'INVALID_PAYLOAD'],
    },
  },
  {
    id: 'inbox-16',
    surface: 'inbox',
    title: 'JSON object with a UTF-8 BOM (valid)',
    drop: (tag) => ({
      topic: 'transactions',
      name: `${tag}-i16.json`,
      content: '\uFEFF' + JSON.stringify(txJson(tag, 'i16', 1)),
    }),
    expect: { outcome: ['processed'], storedTransactions: 1, dlqCodes: [] },
  },
  {
    id: 'inbox-17',
    surface: 'inbox',
    title: 'NDJSON with broken lines 2 and 4',
    drop: (tag) => ({
      topic: 'transactions',
      name: `${tag}-i17.ndjson`,
      content: ndjson([txJson(tag, 'i17', 1), '{oops', txJson(tag, 'i17', 3), '[1,2', txJson(tag, 'i17', 5)]),
    }),
    expect: {
      outcome: ['processed'],
      report: true,
      reportMatches: [/line 2/, /line 4/],
      storedTransactions: 3,
      dlqCodes: ['INVALID_JSON', 'INVALID_JSON'],
    },
  },
  {
    id: 'inbox-18',
    surface: 'inbox',
    title: 'NDJSON line over 1 MB between good lines',
    drop: (tag) => ({
      topic: 'transactions',
      name: `${tag}-i18.ndjson`,
      content: ndjson([
        txJson(tag, 'i18', 1),
        txJson(tag, 'i18', 2, { merchant: 'm'.repeat(1_100_000) }),
        txJson(tag, 'i18', 3),
      ]),
    }),
    expect: {
      outcome: ['processed'],
      report: true,
      reportMatches: [/line 2/],
      storedTransactions: 2,
      dlqCodes: [['TOO_LARGE', 'INVALID_JSON']],
    },
  },
  {
    id: 'inbox-19',
    surface: 'inbox',
    title: 'NDJSON with binary garbage on line 2',
    drop: (tag) => ({
      topic: 'transactions',
      name: `${tag}-i19.ndjson`,
      content: Buffer.concat([
        Buffer.from(`${JSON.stringify(txJson(tag, 'i19', 1))}\n`),
        garbageBytes(200).map((b) => (b === 0x0a ? 0x20 : b)),
        Buffer.from(`\n${JSON.stringify(txJson(tag, 'i19', 3))}\n`),
      ]),
    }),
    expect: {
      outcome: ['processed'],
      report: true,
      reportMatches: [/line 2/],
      storedTransactions: 2,
      dlqCodes: ['INVALID_JSON'],
    },
  },
  {
    id: 'inbox-20',
    surface: 'inbox',
    title: 'NDJSON item with an impossible date',
    drop: (tag) => ({
      topic: 'transactions',
      name: `${tag}-i20.ndjson`,
      content: ndjson([txJson(tag, 'i20', 1, { timestamp: '2026-02-30T10:00:00Z' }), txJson(tag, 'i20', 2)]),
    }),
    expect: {
      outcome: ['processed'],
      report: true,
      reportMatches: [/line 1/, /timestamp/],
      storedTransactions: 1,
      dlqCodes: ['INVALID_PAYLOAD'],
    },
  },
  {
    id: 'inbox-21',
    surface: 'inbox',
    title: 'binary garbage named .csv',
    drop: (tag) => ({ topic: 'transactions', name: `${tag}-i21.csv`, content: garbageBytes(4096, 21) }),
    expect: { outcome: ['failed'], report: true, reportMatches: [/i21\.csv/] },
  },
  {
    id: 'inbox-22',
    surface: 'inbox',
    title: 'binary garbage named .json',
    drop: (tag) => ({ topic: 'transactions', name: `${tag}-i22.json`, content: garbageBytes(4096, 22) }),
    expect: { outcome: ['failed'], report: true, reportMatches: [/INVALID_JSON/] },
  },
  {
    id: 'inbox-23',
    surface: 'inbox',
    title: 'binary garbage named .sqlite',
    drop: (tag) => ({ topic: 'transactions', name: `${tag}-i23.sqlite`, content: garbageBytes(8192, 23) }),
    expect: { outcome: ['failed'], report: true, reportMatches: [/SQLITE|database/i] },
  },
  {
    id: 'inbox-24',
    surface: 'inbox',
    title: 'SQLite database without a table for the topic',
    drop: (tag) => ({
      topic: 'transactions',
      name: `${tag}-i24.db`,
      sqlite: ['CREATE TABLE other (x TEXT)', "INSERT INTO other VALUES ('y')"],
    }),
    expect: { outcome: ['failed'], report: true, reportMatches: [/transactions/, /table/i] },
  },
  {
    id: 'inbox-25',
    surface: 'inbox',
    title: 'SQLite table with one bad row between good ones',
    drop: (tag) => ({
      topic: 'transactions',
      name: `${tag}-i25.sqlite`,
      sqlite: [
        'CREATE TABLE transactions (transactionId TEXT, customerId TEXT, amount TEXT, currency TEXT, timestamp TEXT)',
        `INSERT INTO transactions VALUES ('${tag}-i25-1','${tag}-i25','1.00','usd','2026-11-24T10:00:00Z')`,
        `INSERT INTO transactions VALUES ('${tag}-i25-2','${tag}-i25','not money','usd','2026-11-24T10:00:00Z')`,
        `INSERT INTO transactions VALUES ('${tag}-i25-3','${tag}-i25','3.00','usd','2026-11-24T10:00:00Z')`,
      ],
    }),
    expect: {
      outcome: ['processed'],
      report: true,
      reportMatches: [/rowid 2/, /amount/],
      storedTransactions: 2,
      dlqCodes: ['INVALID_PAYLOAD'],
    },
  },
  {
    id: 'inbox-26',
    surface: 'inbox',
    title: 'symlink to a CSV-shaped file outside the inbox',
    drop: (tag) => ({ topic: 'transactions', name: `${tag}-i26.csv`, symlinkTo: { content: CSV_TARGET } }),
    expect: {
      outcome: ['failed'],
      report: true,
      reportMatches: [/i26\.csv/, /link|regular/i],
      reportMustNotContain: ['SECRET-LINE-NOT-TO-QUOTE', 'symlinked-1', 'transactionId,customerId'],
    },
  },
  {
    id: 'inbox-27',
    surface: 'inbox',
    title: 'symlink to /etc/passwd',
    drop: (tag) => ({ topic: 'transactions', name: `${tag}-i27.csv`, symlinkTo: { path: '/etc/passwd' } }),
    expect: {
      outcome: ['failed'],
      report: true,
      reportMatches: [/i27\.csv/, /link|regular/i],
      reportMustNotContain: ['root:', '/bin/'],
    },
  },
  {
    id: 'inbox-28',
    surface: 'inbox',
    title: 'named pipe (FIFO) named .ndjson',
    drop: (tag) => ({ topic: 'transactions', name: `${tag}-i28.ndjson`, fifo: true }),
    expect: { outcome: ['failed'], report: true, reportMatches: [/i28\.ndjson/, /regular|fifo|pipe/i] },
  },
  {
    id: 'inbox-29',
    surface: 'inbox',
    title: 'a file of unsupported type (.xml) is left alone with a log line',
    drop: (tag) => ({ topic: 'transactions', name: `${tag}-i29.xml`, content: '<transactions/>' }),
    expect: { outcome: ['ignored'], logLine: /unsupported type/ },
  },
  {
    id: 'inbox-30',
    surface: 'inbox',
    title: 'CSV content in a file named .json',
    drop: (tag) => ({
      topic: 'transactions',
      name: `${tag}-i30.json`,
      content: [CSV_HEADER, csvRow(tag, 'i30', 1), ''].join('\n'),
    }),
    expect: { outcome: ['failed'], report: true, reportMatches: [/array or object/], storedTransactions: 0 },
  },
  {
    id: 'inbox-31',
    surface: 'inbox',
    title: 'JSON file in UTF-16 with its BOM',
    drop: (tag) => ({
      topic: 'transactions',
      name: `${tag}-i31.json`,
      content: Buffer.concat([
        Buffer.from([0xff, 0xfe]),
        Buffer.from(JSON.stringify(txJson(tag, 'i31', 1)), 'utf16le'),
      ]),
    }),
    expect: { outcome: ['failed', 'processed'], report: true, storedTransactions: 0 },
  },
  {
    id: 'inbox-32',
    surface: 'inbox',
    title: 'social posts CSV with content over 10,000 characters on line 2',
    drop: (tag) => ({
      topic: 'social_posts',
      name: `${tag}-i32.csv`,
      content: [
        'postId,platform,author,content,timestamp',
        `${tag}-p1,mastodon,${tag}-i32,${'c'.repeat(10_001)},2026-11-24T10:00:00Z`,
        `${tag}-p2,mastodon,${tag}-i32,fine,2026-11-24T10:00:00Z`,
        '',
      ].join('\n'),
    }),
    expect: {
      outcome: ['processed'],
      report: true,
      reportMatches: [/line 2/, /content/],
      dlqCodes: ['INVALID_PAYLOAD'],
    },
  },
];
