import { randomBytes } from 'node:crypto';

/** A gateway answer with its JSON body already read. */
// Test answers are asserted field by field; `any` keeps those assertions short.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface ApiAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
  elapsedMs: number;
}

export interface RequestOptions {
  method?: string;
  token?: string;
  json?: unknown;
  form?: Record<string, string>;
  body?: string | Buffer;
  headers?: Record<string, string>;
}

/** One HTTP call; the body is parsed as JSON when it is JSON, else kept as text. */
export async function call(baseUrl: string, path: string, options: RequestOptions = {}): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | Buffer | undefined = options.body;
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  }
  if (options.form !== undefined) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  }
  const started = Date.now();
  const response = await fetch(`${baseUrl}${path}`, {
    method: options.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed, elapsedMs: Date.now() - started };
}

/** A username no other test or run uses. */
export function uniqueUsername(prefix = 'u'): string {
  return `${prefix}_${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

export interface TestUser {
  username: string;
  password: string;
  token: string;
}

export async function token(baseUrl: string, username: string, password: string): Promise<string> {
  const answer = await call(baseUrl, '/token', { form: { grant_type: 'password', username, password } });
  if (answer.status !== 200) throw new Error(`token for ${username}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.access_token as string;
}

/** Registers a fresh user through the gateway and signs it in. */
export async function newUser(baseUrl: string, prefix = 'u'): Promise<TestUser> {
  const username = uniqueUsername(prefix);
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const registered = await call(baseUrl, '/register', { json: { username, password } });
  if (registered.status !== 201)
    throw new Error(`register ${username}: ${registered.status} ${JSON.stringify(registered.body)}`);
  return { username, password, token: await token(baseUrl, username, password) };
}

/** The decoded payload of a JWT (no verification: for assertions on claims). */
export function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits for a fresh fixed window when fewer than `neededSeconds` remain in the current one, so a
 * counting test never straddles a window boundary.
 */
export async function awaitRoomInWindow(windowMs: number, neededSeconds: number): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < neededSeconds * 1000) await sleep(left + 500);
}

/**
 * The body of an error answer: RFC 9457 problem details (`type`, `title`, `status`, `detail`,
 * `instance`) with the `statusCode` and `message` (and `error`) members of earlier releases.
 */
export function problemBody(
  statusCode: number,
  message: unknown,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    type: 'about:blank',
    title: expect.any(String),
    status: statusCode,
    detail: expect.any(String),
    instance: expect.stringMatching(/^\//),
    statusCode,
    message,
    ...extra,
  };
}
