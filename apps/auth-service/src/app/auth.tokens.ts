export const AUTH_ENV = Symbol('AUTH_ENV');

/** Failed `/token` attempt counters (collection `token_failures` of the auth database). */
export const TOKEN_FAILURE_COUNTERS = Symbol('TOKEN_FAILURE_COUNTERS');
export const TOKEN_FAILURES_COLLECTION = 'token_failures';
