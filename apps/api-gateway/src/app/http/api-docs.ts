import { applyDecorators, type Type } from '@nestjs/common';
import { ApiBearerAuth, ApiOAuth2, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { ProblemDetailsDto } from '@datalake/dto';

export const BEARER_SCHEME = 'bearer';
export const OAUTH2_SCHEME = 'oauth2';

/** The quota headers of every authenticated answer. */
type HeaderDocs = Record<string, { description: string; schema: { type: 'integer' | 'string'; minimum?: number } }>;

export const QUOTA_HEADER_DOCS: HeaderDocs = {
  'X-RateLimit-Limit': {
    description: 'Requests allowed per hour window (QUOTA_PER_HOUR)',
    schema: { type: 'integer' },
  },
  'X-RateLimit-Remaining': {
    description: 'Requests left in the current window, this one counted',
    schema: { type: 'integer' },
  },
  'X-RateLimit-Reset': {
    description:
      'Seconds until the current window ends and the quota is full again: delta seconds from now, NOT an epoch time ' +
      '(GitHub sends epoch seconds; DataLake has always sent seconds from now, and keeps it). The epoch time is `quota.resetAt` of `GET /me`. ' +
      'Windows are fixed UTC hours shared by all gateway replicas.',
    schema: { type: 'integer', minimum: 1 },
  },
};

export const RETRY_AFTER_DOC: HeaderDocs = {
  'Retry-After': {
    description: 'Seconds to wait before the next request can pass',
    schema: { type: 'integer', minimum: 1 },
  },
};

const UPSTREAM_ERRORS = [
  { status: 502, description: 'The owning service answered something unusable' },
  { status: 503, description: 'The owning service (or the quota store) is unavailable' },
  { status: 504, description: 'The owning service did not answer within UPSTREAM_TIMEOUT_MS' },
];

/** The input rules of every route (service-kit body parsing), in each operation's description. */
export const STRICT_INPUT_DOC =
  'Every JSON body may nest at most 33 levels (32 per record, plus the array of a batch; each NDJSON line 32) and is refused with 400 past that, before it is parsed. ' +
  'A key named `__proto__`, `constructor` or `prototype` anywhere in a body or query string is an unknown field (400).';

/** RFC 8288 `Link` header of a listing that has a next page. */
export const NEXT_LINK_DOC: HeaderDocs = {
  Link: {
    description:
      'Present when there is a next page: `<path?query&cursor=…>; rel="next"` (RFC 8288), the same query with `cursor` set to the body\'s `nextCursor`',
    schema: { type: 'string' },
  },
};

export interface RouteDoc {
  /** Stable name for client generators, e.g. `listTransactions`. */
  operationId: string;
  summary: string;
  /** More about the operation, before the role and input rules. */
  description?: string;
  /** Roles allowed; undefined = any authenticated user. */
  admin?: boolean;
  ok: {
    status: number;
    type?: Type | [Type];
    description: string;
    headers?: HeaderDocs;
    /** Media types other than JSON (a streamed export), each with its schema. */
    content?: Record<string, { schema: { type: 'string'; format?: string; description?: string } }>;
  };
  /** Further answers: e.g. 400, 404, 409, 413. */
  errors?: { status: number; description: string }[];
}

/** OpenAPI of an authenticated route: bearer auth, role, quota headers on every answer, errors. */
export function ApiAuthenticatedRoute(doc: RouteDoc): MethodDecorator {
  const role = doc.admin ? 'admin' : 'user or admin';
  return applyDecorators(
    ApiOperation({
      operationId: doc.operationId,
      summary: doc.summary,
      description: [
        doc.description,
        `Role: ${role} (the account's current role, checked on every request). Counts against the caller's hourly quota.`,
        STRICT_INPUT_DOC,
      ]
        .filter(Boolean)
        .join(' '),
    }),
    ApiBearerAuth(BEARER_SCHEME),
    ApiOAuth2([], OAUTH2_SCHEME),
    ApiResponse({
      status: doc.ok.status,
      type: doc.ok.type,
      description: doc.ok.description,
      headers: { ...QUOTA_HEADER_DOCS, ...doc.ok.headers },
      ...(doc.ok.content ? { content: doc.ok.content } : {}),
    }),
    ...(doc.errors ?? []).map((error) =>
      ApiResponse({
        status: error.status,
        type: ProblemDetailsDto,
        description: error.description,
        headers: QUOTA_HEADER_DOCS,
      }),
    ),
    ApiResponse({
      status: 401,
      type: ProblemDetailsDto,
      description:
        'Missing, malformed, expired or wrongly signed bearer token, or its account no longer exists (no quota headers)',
      headers: { 'WWW-Authenticate': { description: 'Bearer challenge (RFC 6750)', schema: { type: 'string' } } },
    }),
    ...(doc.admin
      ? [
          ApiResponse({
            status: 403,
            type: ProblemDetailsDto,
            description: 'The caller is not an admin',
            headers: QUOTA_HEADER_DOCS,
          }),
        ]
      : []),
    ApiResponse({
      status: 429,
      type: ProblemDetailsDto,
      description: 'Hourly quota used up',
      headers: { ...QUOTA_HEADER_DOCS, ...RETRY_AFTER_DOC },
    }),
    ...UPSTREAM_ERRORS.map((error) => ApiResponse({ ...error, type: ProblemDetailsDto, headers: QUOTA_HEADER_DOCS })),
  );
}

/** OpenAPI of `/register` and `/token`: limited per client address, no bearer token. */
export function ApiPublicRouteErrors(): MethodDecorator {
  return applyDecorators(
    ApiResponse({
      status: 429,
      type: ProblemDetailsDto,
      description: 'Too many /register and /token requests from this address (AUTH_RATE_PER_MINUTE per minute)',
      headers: RETRY_AFTER_DOC,
    }),
    ...UPSTREAM_ERRORS.filter((error) => error.status !== 503).map((error) =>
      ApiResponse({ ...error, type: ProblemDetailsDto }),
    ),
    ApiResponse({ status: 503, type: ProblemDetailsDto, description: 'auth-service is unavailable' }),
  );
}
