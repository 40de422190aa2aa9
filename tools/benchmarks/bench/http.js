'use strict';
/** HTTP helpers of the benchmark: sign-in through the gateway and timed requests. */
const { performance } = require('node:perf_hooks');

async function token(gatewayUrl, { username, password }) {
  const response = await fetch(`${gatewayUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password, grant_type: 'password' }),
  });
  const body = await response.json().catch(() => ({}));
  if (response.status !== 200 || !body.access_token)
    throw new Error(`POST /token answered ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
  return body.access_token;
}

async function register(gatewayUrl, user) {
  const response = await fetch(`${gatewayUrl}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  });
  if (response.status !== 201)
    throw new Error(`POST /register answered ${response.status} ${(await response.text()).slice(0, 200)}`);
}

/** A request that has not answered in this long counts as failed (status 0), so a hung server cannot stall the run. */
const REQUEST_TIMEOUT_MS = 120_000;

/** One request, timed until the whole body is read. Never throws: a network error or timeout is status 0. */
async function timed(url, { method = 'GET', headers = {}, body } = {}) {
  const started = performance.now();
  try {
    const response = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await response.text();
    return { status: response.status, ms: performance.now() - started, text };
  } catch (error) {
    // Status 0: no HTTP answer (timed out after REQUEST_TIMEOUT_MS, or the connection failed).
    return { status: 0, ms: performance.now() - started, text: String(error.cause?.message ?? error.message) };
  }
}

async function json(url, options) {
  const answer = await timed(url, options);
  if (answer.status !== 200)
    throw new Error(`${options?.method ?? 'GET'} ${url} answered ${answer.status}: ${answer.text.slice(0, 300)}`);
  return JSON.parse(answer.text);
}

const bearer = (accessToken) => ({ authorization: `Bearer ${accessToken}` });

module.exports = { token, register, timed, json, bearer };
