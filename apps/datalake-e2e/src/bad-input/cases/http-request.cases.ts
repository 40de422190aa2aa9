import type { HttpCase } from '../support/http-case';

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Query strings of the listings: scalars only, bounded, no operators, valid cursors and dates. */
export const QUERY_CASES: HttpCase[] = [
  {
    id: 'query-01', surface: 'query', title: 'an operator object customerId[$ne]=x',
    request: (ctx) => ({ path: '/transactions?customerId[$ne]=x', token: ctx.user.token }),
    expect: { status: 400, message: /customerId/ },
  },
  {
    id: 'query-02', surface: 'query', title: 'limit=0',
    request: (ctx) => ({ path: '/transactions?limit=0', token: ctx.user.token }),
    expect: { status: 400, message: /limit/ },
  },
  {
    id: 'query-03', surface: 'query', title: 'limit=501',
    request: (ctx) => ({ path: '/network-logs?limit=501', token: ctx.user.token }),
    expect: { status: 400, message: /limit/ },
  },
  {
    id: 'query-04', surface: 'query', title: 'limit=abc',
    request: (ctx) => ({ path: '/social-posts?limit=abc', token: ctx.user.token }),
    expect: { status: 400, message: /limit/ },
  },
  {
    id: 'query-05', surface: 'query', title: 'from=2026-02-30T00:00:00Z',
    request: (ctx) => ({ path: '/transactions?from=2026-02-30T00:00:00Z', token: ctx.user.token }),
    expect: { status: 400, message: /from/ },
  },
  {
    id: 'query-06', surface: 'query', title: 'to=yesterday',
    request: (ctx) => ({ path: '/transactions?to=yesterday', token: ctx.user.token }),
    expect: { status: 400, message: /to must/ },
  },
  {
    id: 'query-07', surface: 'query', title: 'a cursor with characters outside base64url',
    request: (ctx) => ({ path: `/transactions?cursor=${encodeURIComponent('!!$$')}`, token: ctx.user.token }),
    expect: { status: 400, message: /cursor/ },
  },
  {
    id: 'query-08', surface: 'query', title: 'a tampered cursor [1e300,"x"]',
    request: (ctx) => ({ path: `/transactions?cursor=${cursorOf([1e300, 'x'])}`, token: ctx.user.token }),
    expect: { status: 400, message: /cursor/ },
  },
  {
    id: 'query-09', surface: 'query', title: 'a cursor of the wrong shape ["x",1]',
    request: (ctx) => ({ path: `/transactions?cursor=${cursorOf(['x', 1])}`, token: ctx.user.token }),
    expect: { status: 400, message: /cursor/ },
  },
  {
    id: 'query-10', surface: 'query', title: 'a cursor over 512 characters',
    request: (ctx) => ({ path: `/network-logs?cursor=${'A'.repeat(600)}`, token: ctx.user.token }),
    expect: { status: 400, message: /cursor/ },
  },
  {
    id: 'query-11', surface: 'query', title: 'an unknown parameter',
    request: (ctx) => ({ path: '/transactions?amountGreaterThan=5', token: ctx.user.token }),
    expect: { status: 400, message: /amountGreaterThan/ },
  },
  {
    id: 'query-12', surface: 'query', title: 'a __proto__ parameter',
    request: (ctx) => ({ path: '/transactions?__proto__[role]=admin', token: ctx.user.token }),
    expect: { status: 400, message: /__proto__/ },
  },
  {
    id: 'query-13', surface: 'query', title: 'a constructor parameter',
    request: (ctx) => ({ path: '/transactions?constructor=x', token: ctx.user.token }),
    expect: { status: 400, message: /constructor/ },
  },
  {
    id: 'query-14', surface: 'query', title: 'minAmount=1e5',
    request: (ctx) => ({ path: '/transactions?minAmount=1e5', token: ctx.user.token }),
    expect: { status: 400, message: /minAmount/ },
  },
  {
    id: 'query-15', surface: 'query', title: 'a repeated scalar customerId=a&customerId=b',
    request: (ctx) => ({ path: '/transactions?customerId=a&customerId=b', token: ctx.user.token }),
    expect: { status: 400, message: /customerId/ },
  },
  {
    id: 'query-16', surface: 'query', title: 'a 300-character host filter',
    request: (ctx) => ({ path: `/network-logs?host=${'h'.repeat(300)}`, token: ctx.user.token }),
    expect: { status: 400, message: /host/ },
  },
  {
    id: 'query-17', surface: 'query', title: 'GET /users?limit=-1 (admin)',
    request: (ctx) => ({ path: '/users?limit=-1', token: ctx.admin }),
    expect: { status: 400, message: /limit/ },
  },
  {
    id: 'query-18', surface: 'query', title: 'a bearer token as ?access_token= (not accepted, never logged)',
    request: (ctx) => ({ path: `/me?access_token=${ctx.user.token}` }),
    expect: { status: 401, logMustNotContain: (request) => new URL(request.path, 'http://x').searchParams.get('access_token') ?? '' },
  },
];

/** Headers: the Authorization header in odd shapes, huge headers, correlation ids. */
export const HEADER_CASES: HttpCase[] = [
  {
    id: 'header-01', surface: 'header', title: 'Authorization: Bearer garbage',
    request: () => ({ path: '/me', headers: { authorization: 'Bearer garbage' } }),
    expect: { status: 401 },
  },
  {
    id: 'header-02', surface: 'header', title: 'Authorization: Basic credentials',
    request: (ctx) => ({ path: '/me', headers: { authorization: `Basic ${Buffer.from(`${ctx.user.username}:${ctx.user.password}`).toString('base64')}` } }),
    expect: { status: 401 },
  },
  {
    id: 'header-03', surface: 'header', title: 'a 10 KB bearer token',
    request: () => ({ path: '/me', headers: { authorization: `Bearer ${'a'.repeat(5000)}.${'b'.repeat(5000)}.c` } }),
    expect: { status: 401 },
  },
  {
    id: 'header-04', surface: 'header', title: 'a valid token with one character appended to its signature',
    request: (ctx) => ({ path: '/me', headers: { authorization: `Bearer ${ctx.user.token}A` } }),
    expect: { status: 401 },
  },
  {
    id: 'header-05', surface: 'header', title: 'the token without the Bearer scheme',
    request: (ctx) => ({ path: '/me', headers: { authorization: ctx.user.token } }),
    expect: { status: 401 },
  },
  {
    id: 'header-06', surface: 'header', title: 'headers over 16 KB (Node answers 431 before the app)',
    request: (ctx) => ({ path: '/me', token: ctx.user.token, headers: { cookie: `c=${'x'.repeat(20_000)}` } }),
    expect: { status: 431, noJsonBody: true },
  },
  {
    id: 'header-07', surface: 'header', title: 'a JSON body sent as text/plain to /register',
    request: () => ({ path: '/register', body: '{"username":"bi_h07_x","password":"long-enough-1"}', headers: { 'content-type': 'text/plain' } }),
    expect: { status: 400, message: /username|password/ },
  },
  {
    id: 'header-08', surface: 'header', title: 'an x-correlation-id of 500 characters with spaces is replaced, not refused',
    request: (ctx) => ({
      path: '/ingest/transactions',
      token: ctx.admin,
      headers: { 'x-correlation-id': `bad id ${'z'.repeat(500)}` },
      json: { transactionId: `bi-h08-${Date.now()}`, customerId: 'bi-h08', amount: 1, currency: 'usd', timestamp: '2026-11-24T10:00:00Z' },
    }),
    expect: { status: 202, ingest: { accepted: 1, rejected: 0 } },
  },
  {
    id: 'header-09', surface: 'header', title: 'Content-Type application/json with a gzip Content-Encoding that is not gzip',
    request: () => ({ path: '/register', body: '{"username":"bi_h09","password":"long-enough-1"}', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } }),
    expect: { status: [400, 415] },
  },
];

/** Paths: unknown routes, odd ids, unknown topics, broken percent-encoding. */
export const PATH_CASES: HttpCase[] = [
  {
    id: 'path-01', surface: 'path', title: 'an unknown route',
    request: (ctx) => ({ path: '/wp-admin/setup.php', token: ctx.user.token }),
    expect: { status: 404 },
  },
  {
    id: 'path-02', surface: 'path', title: 'an id with an encoded ../',
    request: (ctx) => ({ path: '/transactions/..%2F..%2Fusers', token: ctx.user.token }),
    expect: { status: 404 },
  },
  {
    id: 'path-03', surface: 'path', title: 'an id of 2,000 characters',
    request: (ctx) => ({ path: `/transactions/${'x'.repeat(2000)}`, token: ctx.user.token }),
    expect: { status: [400, 404] },
  },
  {
    id: 'path-04', surface: 'path', title: 'an id holding a NUL byte',
    request: (ctx) => ({ path: '/social-posts/abc%00def', token: ctx.user.token }),
    expect: { status: [400, 404] },
  },
  {
    id: 'path-05', surface: 'path', title: 'broken percent-encoding in an id',
    request: (ctx) => ({ path: '/network-logs/%E0%A4%A', token: ctx.user.token }),
    expect: { status: [400, 404] },
  },
  {
    id: 'path-06', surface: 'path', title: 'an id that looks like an operator',
    request: (ctx) => ({ path: `/transactions/${encodeURIComponent('{"$ne":null}')}`, token: ctx.user.token }),
    expect: { status: 404 },
  },
  {
    id: 'path-07', surface: 'path', title: 'ingest to an unknown topic',
    request: (ctx) => ({ path: '/ingest/users', token: ctx.admin, json: { a: 1 } }),
    expect: { status: 404, message: /unknown topic/ },
  },
  {
    id: 'path-08', surface: 'path', title: 'ingest to an encoded ../ topic',
    request: (ctx) => ({ path: '/ingest/..%2Ftransactions', token: ctx.admin, json: { a: 1 } }),
    expect: { status: 404 },
  },
  {
    id: 'path-09', surface: 'path', title: 'DELETE of an unknown id (admin)',
    request: (ctx) => ({ method: 'DELETE', path: '/transactions/no-such-record-bi', token: ctx.admin }),
    expect: { status: 404 },
  },
  {
    id: 'path-10', surface: 'path', title: 'PATCH of an unknown user (admin)',
    request: (ctx) => ({ method: 'PATCH', path: '/users/no_such_user_bi', token: ctx.admin, json: { role: 'user' } }),
    expect: { status: 404 },
  },
  {
    id: 'path-11', surface: 'path', title: 'PUT on the collection (no id)',
    request: (ctx) => ({ method: 'PUT', path: '/transactions', token: ctx.admin, json: { status: 'failed' } }),
    expect: { status: [404, 405] },
  },
  {
    id: 'path-12', surface: 'path', title: 'DELETE by a user (not admin)',
    request: (ctx) => ({ method: 'DELETE', path: `/transactions/${encodeURIComponent(ctx.recordId('transactions'))}`, token: ctx.user.token }),
    expect: { status: 403 },
  },
];
