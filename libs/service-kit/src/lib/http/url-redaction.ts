/** Query parameter names that carry credentials: their values never reach a log line. */
const CREDENTIAL_PARAMETER =
  /token|passw|pwd|secret|api[-_.]?key|auth|jwt|session|cookie|credential|signature|^sig$|^key$/i;

const REDACTED = '[redacted]';

function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

/**
 * The URL with every credential-looking query value (`access_token`, `password`, `api_key`,
 * `jwt`, …) replaced by `[redacted]`, and any `user:password@` removed; the rest is kept as sent.
 */
export function redactUrlCredentials(url: string): string {
  const withoutUserInfo = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@?#]*@/i, '$1');
  const question = withoutUserInfo.indexOf('?');
  if (question < 0) return withoutUserInfo;
  const hash = withoutUserInfo.indexOf('#', question);
  const end = hash < 0 ? withoutUserInfo.length : hash;
  const query = withoutUserInfo
    .slice(question + 1, end)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals < 0 ? pair : pair.slice(0, equals);
      return CREDENTIAL_PARAMETER.test(decodedName(name)) && equals >= 0 ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${withoutUserInfo.slice(0, question + 1)}${query}${withoutUserInfo.slice(end)}`;
}
