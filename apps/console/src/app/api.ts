/**
 * The console's small client of the public API (same origin: the gateway serves the console).
 * The bearer token lives in sessionStorage only (never in a URL); every answer's
 * X-RateLimit-Remaining updates the quota shown; a 401 ends the session (back to sign-in).
 */

export type Role = 'user' | 'admin';

export interface Session {
  token: string;
  username: string;
  role: Role;
}

/** One field's validation error of a problem+json answer. */
export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  status: number;
  title?: string;
  detail?: string;
  message?: string | string[];
  errors?: FieldError[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(
      problem.detail ??
        (Array.isArray(problem.message) ? problem.message.join('; ') : problem.message) ??
        `HTTP ${status}`,
    );
  }
}

const SESSION_KEY = 'datalake.console.session';

type Listener = () => void;
const listeners = new Set<Listener>();
let session: Session | null = readStoredSession();
let quotaRemaining: number | null = null;

function readStoredSession(): Session | null {
  try {
    const text = sessionStorage.getItem(SESSION_KEY);
    return text ? (JSON.parse(text) as Session) : null;
  } catch {
    return null;
  }
}

function notify(): void {
  for (const listener of listeners) listener();
}

export function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export const currentSession = () => session;
export const currentQuota = () => quotaRemaining;

export function setSession(next: Session | null): void {
  session = next;
  if (next) sessionStorage.setItem(SESSION_KEY, JSON.stringify(next));
  else sessionStorage.removeItem(SESSION_KEY);
  if (!next) quotaRemaining = null;
  notify();
}

function noteQuota(response: Response): void {
  const remaining = response.headers.get('X-RateLimit-Remaining');
  if (remaining !== null && remaining !== '' && Number.isFinite(Number(remaining))) {
    quotaRemaining = Number(remaining);
    notify();
  }
}

export function noteQuotaValue(remaining: number): void {
  quotaRemaining = remaining;
  notify();
}

export interface RequestOptions {
  method?: string;
  json?: unknown;
  body?: BodyInit;
  contentType?: string;
  signal?: AbortSignal;
}

async function problemOf(response: Response): Promise<Problem> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as Problem;
    return { ...body, status: response.status };
  } catch {
    return { status: response.status, detail: text || response.statusText };
  }
}

/** A call with the session's bearer token; answers the raw Response (for downloads) when ok. */
export async function send(path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (session) headers['Authorization'] = `Bearer ${session.token}`;
  let body = options.body;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.contentType) headers['Content-Type'] = options.contentType;
  const method = options.method ?? (body === undefined ? 'GET' : 'POST');
  const response = await fetch(path, { method, headers, body, signal: options.signal });
  noteQuota(response);
  if (response.status === 401 && session) {
    setSession(null);
    throw new ApiError(401, { status: 401, detail: 'Your session ended: sign in again.' });
  }
  if (!response.ok) throw new ApiError(response.status, await problemOf(response));
  return response;
}

/** A JSON call: the parsed body (undefined for 204). */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** The OAuth2 password flow (POST /token, a form), then GET /me for the role and quota. */
export async function signIn(username: string, password: string): Promise<Session> {
  const response = await fetch('/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({ grant_type: 'password', username, password }).toString(),
  });
  if (!response.ok) {
    const problem = await problemOf(response);
    const oauth = problem as Problem & { error?: string; error_description?: string };
    const message =
      response.status === 400 || response.status === 401
        ? 'Wrong username or password.'
        : (oauth.error_description ?? oauth.detail ?? `Sign-in failed (HTTP ${response.status}).`);
    throw new ApiError(response.status, { ...problem, detail: message });
  }
  const { access_token: token } = (await response.json()) as { access_token: string };
  // The role decides what is shown: the session starts only once GET /me has said it.
  const meResponse = await fetch('/me', { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } });
  if (!meResponse.ok) throw new ApiError(meResponse.status, await problemOf(meResponse));
  const me = (await meResponse.json()) as { username: string; role: Role; quota: { remaining: number } };
  quotaRemaining = me.quota.remaining;
  const signedIn = { token, username: me.username, role: me.role };
  setSession(signedIn);
  return signedIn;
}

export function signOut(): void {
  setSession(null);
}

/** A query string from the non-empty values. */
export function queryOf(values: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Downloads an authenticated answer as a file (fetch with the bearer token, then a blob link). */
export async function download(path: string, fallbackName: string): Promise<string> {
  const response = await send(path, {});
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName;
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
