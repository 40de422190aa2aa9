import { deepJson } from '../support/corpus-case';
import type { HttpCase } from '../support/http-case';

const JSON_TYPE = { 'content-type': 'application/json' };
const password = 'long-enough-1';
const name = (id: string) => `bi_${id.replace(/-/g, '')}_${Date.now().toString(36)}`;

const tx = (id: string, extra: Record<string, unknown> = {}) => ({
  transactionId: `bi-${id}-${Date.now().toString(36)}`,
  customerId: `bi-${id}`,
  amount: '12.50',
  currency: 'usd',
  timestamp: '2026-11-24T10:00:00Z',
  ...extra,
});
const log = (id: string, extra: Record<string, unknown> = {}) => ({
  timestamp: '2026-11-24T10:00:00Z',
  sourceIp: '198.51.100.7',
  host: `bi-${id}-${Date.now().toString(36)}`,
  ...extra,
});

/** Request bodies: /register, /ingest, admin PUT and PATCH. Errors are JSON {statusCode, message}. */
export const HTTP_BODY_CASES: HttpCase[] = [
  {
    id: 'body-01',
    surface: 'http-body',
    title: '/register with truncated JSON',
    request: () => ({ path: '/register', body: '{"username":', headers: JSON_TYPE }),
    expect: { status: 400, message: /not valid JSON/i },
  },
  {
    id: 'body-02',
    surface: 'http-body',
    title: '/register with JSON nested 6,000 deep',
    request: () => ({ path: '/register', body: deepJson(6000), headers: JSON_TYPE }),
    expect: { status: 400, message: /deep|depth|nest/i },
  },
  {
    id: 'body-03',
    surface: 'http-body',
    title: '/register with a __proto__ key',
    request: () => ({
      path: '/register',
      body: `{"username":"${name('b03')}","password":"${password}","__proto__":{"role":"admin"}}`,
      headers: JSON_TYPE,
    }),
    expect: { status: 400, message: /__proto__/ },
  },
  {
    id: 'body-04',
    surface: 'http-body',
    title: '/register with a constructor key',
    request: () => ({
      path: '/register',
      body: `{"username":"${name('b04')}","password":"${password}","constructor":{"prototype":{"role":"admin"}}}`,
      headers: JSON_TYPE,
    }),
    expect: { status: 400, message: /constructor/ },
  },
  {
    id: 'body-05',
    surface: 'http-body',
    title: '/register asking for role admin',
    request: () => ({ path: '/register', json: { username: name('b05'), password, role: 'admin' } }),
    expect: { status: 400, message: /role/ },
  },
  {
    id: 'body-06',
    surface: 'http-body',
    title: '/register with a JSON array body',
    request: () => ({ path: '/register', json: [{ username: name('b06'), password }] }),
    expect: { status: 400 },
  },
  {
    id: 'body-07',
    surface: 'http-body',
    title: '/register with a username holding NUL and emoji',
    request: () => ({ path: '/register', json: { username: 'bad\u0000name\u{1F600}', password } }),
    expect: { status: 400, message: /username/ },
  },
  {
    id: 'body-08',
    surface: 'http-body',
    title: '/register with a numeric password',
    request: () => ({ path: '/register', json: { username: name('b08'), password: 123456789 } }),
    expect: { status: 400, message: /password/ },
  },
  {
    id: 'body-09',
    surface: 'http-body',
    title: '/register with the JSON literal null',
    request: () => ({ path: '/register', body: 'null', headers: JSON_TYPE }),
    expect: { status: 400 },
  },
  {
    id: 'body-10',
    surface: 'http-body',
    title: '/register in a charset body-parser cannot read',
    request: () => ({
      path: '/register',
      body: `{"username":"${name('b10')}","password":"${password}"}`,
      headers: { 'content-type': 'application/json; charset=latin1' },
    }),
    expect: { status: 415, message: /charset/i },
  },
  {
    id: 'body-11',
    surface: 'http-body',
    title: '/register body over 5 MB',
    request: () => ({
      path: '/register',
      body: JSON.stringify({ username: name('b11'), password: 'x'.repeat(5 * 1024 * 1024 + 16) }),
      headers: JSON_TYPE,
    }),
    expect: { status: 413, message: /larger than/i },
  },
  {
    id: 'body-12',
    surface: 'http-body',
    title: '/ingest with truncated JSON',
    request: (ctx) => ({
      path: '/ingest/transactions',
      token: ctx.admin,
      body: '[{"transactionId":',
      headers: JSON_TYPE,
    }),
    expect: { status: 400, message: /JSON/i },
  },
  {
    id: 'body-13',
    surface: 'http-body',
    title: '/ingest with JSON nested 6,000 deep',
    request: (ctx) => ({ path: '/ingest/transactions', token: ctx.admin, body: deepJson(6000), headers: JSON_TYPE }),
    expect: { status: 400, message: /deep|depth|nest/i },
  },
  {
    id: 'body-14',
    surface: 'http-body',
    title: '/ingest with an empty object',
    request: (ctx) => ({ path: '/ingest/transactions', token: ctx.admin, json: {} }),
    expect: { status: 400, message: /body must be/ },
  },
  {
    id: 'body-15',
    surface: 'http-body',
    title: '/ingest with a bare JSON string',
    request: (ctx) => ({ path: '/ingest/transactions', token: ctx.admin, body: '"just a string"', headers: JSON_TYPE }),
    expect: { status: 400 },
  },
  {
    id: 'body-16',
    surface: 'http-body',
    title: '/ingest of a transaction dated 2026-02-30',
    request: (ctx) => ({
      path: '/ingest/transactions',
      token: ctx.admin,
      json: [tx('b16', { timestamp: '2026-02-30T00:00:00Z' })],
    }),
    expect: { status: 202, ingest: { accepted: 0, rejected: 1, errors: [/timestamp/] } },
  },
  {
    id: 'body-17',
    surface: 'http-body',
    title: '/ingest of a transaction without transactionId, beside a valid one',
    request: (ctx) => {
      const { transactionId: _omitted, ...missing } = tx('b17');
      return { path: '/ingest/transactions', token: ctx.admin, json: [tx('b17'), missing] };
    },
    expect: { status: 202, ingest: { accepted: 1, rejected: 1, errors: [/transactionId/] } },
  },
  {
    id: 'body-18',
    surface: 'http-body',
    title: '/ingest of a network log with sourceIp "999.1.1.1"',
    request: (ctx) => ({
      path: '/ingest/network_logs',
      token: ctx.admin,
      json: [log('b18', { sourceIp: '999.1.1.1' })],
    }),
    expect: { status: 202, ingest: { accepted: 0, rejected: 1, errors: [/sourceIp/] } },
  },
  {
    id: 'body-19',
    surface: 'http-body',
    title: '/ingest of a social post of 10,001 characters',
    request: (ctx) => ({
      path: '/ingest/social_posts',
      token: ctx.admin,
      json: [
        {
          postId: `bi-b19-${Date.now()}`,
          platform: 'mastodon',
          author: 'bi-b19',
          content: 'x'.repeat(10_001),
          timestamp: '2026-11-24T10:00:00Z',
        },
      ],
    }),
    expect: { status: 202, ingest: { accepted: 0, rejected: 1, errors: [/content/] } },
  },
  {
    id: 'body-20',
    surface: 'http-body',
    title: '/ingest of amounts "abc" and 1e400',
    request: (ctx) => ({
      path: '/ingest/transactions',
      token: ctx.admin,
      body: `[${JSON.stringify(tx('b20a', { amount: 'abc' }))},${JSON.stringify(tx('b20b')).replace('"12.50"', '1e400')}]`,
      headers: JSON_TYPE,
    }),
    expect: { status: 202, ingest: { accepted: 0, rejected: 2, errors: [/amount/, /amount/] } },
  },
  {
    id: 'body-21',
    surface: 'http-body',
    title: '/ingest of currency "dollars"',
    request: (ctx) => ({ path: '/ingest/transactions', token: ctx.admin, json: tx('b21', { currency: 'dollars' }) }),
    expect: { status: 202, ingest: { accepted: 0, rejected: 1, errors: [/currency/] } },
  },
  {
    id: 'body-22',
    surface: 'http-body',
    title: '/ingest of one ~1 MB network log beside a valid one',
    request: (ctx) => ({
      path: '/ingest/network_logs',
      token: ctx.admin,
      json: [log('b22a', { message: 'm'.repeat(1_000_000) }), log('b22b')],
    }),
    expect: { status: 202, ingest: { accepted: 1, rejected: 1, errors: [/message|large|bytes|size/i] } },
  },
  {
    id: 'body-23',
    surface: 'http-body',
    title: '/ingest body over 5 MB',
    request: (ctx) => ({
      path: '/ingest/network_logs',
      token: ctx.admin,
      body: JSON.stringify([log('b23', { message: 'm'.repeat(5 * 1024 * 1024 + 10) })]),
      headers: JSON_TYPE,
    }),
    expect: { status: 413, message: /larger than|5 ?MB/i },
  },
  {
    id: 'body-24',
    surface: 'http-body',
    title: '/ingest NDJSON with a broken second line',
    request: (ctx) => ({
      path: '/ingest/transactions',
      token: ctx.admin,
      body: `${JSON.stringify(tx('b24'))}\n{"transactionId": broken\n`,
      headers: { 'content-type': 'application/x-ndjson' },
    }),
    expect: { status: 202, ingest: { accepted: 1, rejected: 1, errors: [/line 2/] } },
  },
  {
    id: 'body-25',
    surface: 'http-body',
    title: '/ingest of 10,001 records in one request',
    request: (ctx) => ({
      path: '/ingest/transactions',
      token: ctx.admin,
      body: `[${Array.from({ length: 10_001 }, () => '{}').join(',')}]`,
      headers: JSON_TYPE,
    }),
    expect: { status: 413, message: /10000|10,000/ },
  },
  {
    id: 'body-26',
    surface: 'http-body',
    title: '/ingest as application/xml',
    request: (ctx) => ({
      path: '/ingest/transactions',
      token: ctx.admin,
      body: '<transaction id="1"/>',
      headers: { 'content-type': 'application/xml' },
    }),
    expect: { status: [400, 415], message: /body|JSON|content-type|media type/i },
  },
  {
    id: 'body-27',
    surface: 'http-body',
    title: 'admin PUT with JSON nested 6,000 deep',
    request: (ctx) => ({
      method: 'PUT',
      path: `/transactions/${encodeURIComponent(ctx.recordId('transactions'))}`,
      token: ctx.admin,
      body: deepJson(6000, '1', 'merchant'),
      headers: JSON_TYPE,
    }),
    expect: { status: 400, message: /deep|depth|nest/i },
  },
  {
    id: 'body-28',
    surface: 'http-body',
    title: 'admin PUT with an unknown field',
    request: (ctx) => ({
      method: 'PUT',
      path: `/transactions/${encodeURIComponent(ctx.recordId('transactions'))}`,
      token: ctx.admin,
      json: { amount: '0.01' },
    }),
    expect: { status: 400, message: /amount/ },
  },
  {
    id: 'body-29',
    surface: 'http-body',
    title: 'admin PUT of status "stolen"',
    request: (ctx) => ({
      method: 'PUT',
      path: `/transactions/${encodeURIComponent(ctx.recordId('transactions'))}`,
      token: ctx.admin,
      json: { status: 'stolen' },
    }),
    expect: { status: 400, message: /status/ },
  },
  {
    id: 'body-30',
    surface: 'http-body',
    title: 'admin PUT of likes -1',
    request: (ctx) => ({
      method: 'PUT',
      path: `/social-posts/${encodeURIComponent(ctx.recordId('social-posts'))}`,
      token: ctx.admin,
      json: { likes: -1 },
    }),
    expect: { status: 400, message: /likes/ },
  },
  {
    id: 'body-31',
    surface: 'http-body',
    title: 'admin PUT of a 65,537-character message',
    request: (ctx) => ({
      method: 'PUT',
      path: `/network-logs/${encodeURIComponent(ctx.recordId('network-logs'))}`,
      token: ctx.admin,
      json: { message: 'x'.repeat(65_537) },
    }),
    expect: { status: 400, message: /message/ },
  },
  {
    id: 'body-32',
    surface: 'http-body',
    title: 'admin PUT with a __proto__ key',
    request: (ctx) => ({
      method: 'PUT',
      path: `/transactions/${encodeURIComponent(ctx.recordId('transactions'))}`,
      token: ctx.admin,
      body: '{"__proto__":{"status":"refunded"}}',
      headers: JSON_TYPE,
    }),
    expect: { status: 400, message: /__proto__/ },
  },
  {
    id: 'body-33',
    surface: 'http-body',
    title: 'PATCH /users/:username with role "root"',
    request: (ctx) => ({
      method: 'PATCH',
      path: `/users/${ctx.user.username}`,
      token: ctx.admin,
      json: { role: 'root' },
    }),
    expect: { status: 400, message: /role/ },
  },
  {
    id: 'body-34',
    surface: 'http-body',
    title: 'PATCH /users/:username with an extra field',
    request: (ctx) => ({
      method: 'PATCH',
      path: `/users/${ctx.user.username}`,
      token: ctx.admin,
      json: { role: 'user', password: 'new-password-1' },
    }),
    expect: { status: 400, message: /password/ },
  },
];
