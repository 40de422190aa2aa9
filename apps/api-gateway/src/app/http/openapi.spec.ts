import type { INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { JwtAuthGuard, RolesGuard, TokenFailureLimiter } from '@datalake/auth';
import { ALL_TOPICS } from '@datalake/kafka-schemas';
import { AdminServicesController } from '../admin/admin-services.controller';
import { ServiceHealth } from '../admin/service-health';
import { AuthServiceAccountLookup } from '../auth/account-lookup';
import { DeadLettersProxyController } from '../dead-letters/dead-letters-proxy.controller';
import { AuthProxyController } from '../auth/auth-proxy.controller';
import { createTopicIngestController, IngestProxyController } from '../ingest/ingest-proxy.controller';
import { QuotaClaimSettler, QuotaGuard } from '../quota/quota.guard';
import { RECORD_RESOURCES } from '../records/record-resources';
import { createRecordsProxyController } from '../records/records-proxy.controller';
import { Upstreams } from '../upstream/upstreams';
import { UsersProxyController } from '../users/users-proxy.controller';
import { buildOpenApiDocument, fallbackOperationId } from './openapi';

type Operation = {
  operationId?: string;
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string; type?: string } }> }>;
  requestBody?: { content: Record<string, { schema: unknown }> };
};

/** The gateway's public controllers (as in AppModule) with stand-ins for what they call: OpenAPI only reads their metadata. */
async function gatewayDocument(): Promise<OpenAPIObject> {
  const allow = { canActivate: () => true };
  const moduleRef = await Test.createTestingModule({
    controllers: [
      AuthProxyController,
      UsersProxyController,
      ...RECORD_RESOURCES.map(createRecordsProxyController),
      ...ALL_TOPICS.map(createTopicIngestController),
      IngestProxyController,
      DeadLettersProxyController,
      AdminServicesController,
    ],
    providers: [
      { provide: Upstreams, useValue: {} },
      { provide: ServiceHealth, useValue: {} },
      { provide: TokenFailureLimiter, useValue: {} },
      { provide: AuthServiceAccountLookup, useValue: {} },
    ],
  })
    .overrideGuard(JwtAuthGuard)
    .useValue(allow)
    .overrideGuard(QuotaGuard)
    .useValue(allow)
    .overrideGuard(RolesGuard)
    .useValue(allow)
    .overrideInterceptor(QuotaClaimSettler)
    .useValue({ intercept: (_context: unknown, next: { handle(): unknown }) => next.handle() })
    .compile();
  const app: INestApplication = moduleRef.createNestApplication({ logger: false });
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

function operations(document: OpenAPIObject): [string, Operation][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Operation>).map(
      ([method, operation]) => [`${method.toUpperCase()} ${path}`, operation] as [string, Operation],
    ),
  );
}

describe('gateway OpenAPI document', () => {
  let document: OpenAPIObject;

  beforeAll(async () => {
    document = await gatewayDocument();
  });

  it('names every operation for client generators', () => {
    const ids = operations(document).map(([, operation]) => operation.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining([
        'register',
        'createToken',
        'getMe',
        'listUsers',
        'updateUserRole',
        'listTransactions',
        'getTransaction',
        'updateTransaction',
        'deleteTransaction',
        'listNetworkLogs',
        'getNetworkLog',
        'listSocialPosts',
        'getSocialPost',
        'ingestRecords',
        'ingestTransactions',
        'ingestNetworkLogs',
        'ingestSocialPosts',
        'listDeadLetters',
        'getDeadLetter',
        'replayDeadLetters',
        'discardDeadLetter',
        'serviceHealth',
        'transactionStats',
        'networkLogStats',
        'socialPostStats',
        'exportTransactions',
        'exportNetworkLogs',
        'exportSocialPosts',
      ]),
    );
  });

  it('documents the dead-letter routes: admin only, typed answers, the replay body, the topic enum', () => {
    const paths = document.paths;
    const list = paths['/dead-letters/{topic}']?.get;
    expect(list?.responses['200']).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/DeadLetterPageDto' } } },
    });
    expect(list?.responses['403']).toBeDefined();
    const topic = list?.parameters?.find((parameter) => 'name' in parameter && parameter.name === 'topic');
    expect(topic).toMatchObject({ schema: { enum: ['network_logs', 'social_posts', 'transactions'] } });
    const replay = paths['/dead-letters/{topic}/replay']?.post;
    expect(replay?.requestBody).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ReplayDeadLettersDto' } } },
    });
    expect(replay?.responses['200']).toBeDefined();
    expect(paths['/dead-letters/{topic}/{id}/discard']?.post?.responses['409']).toBeDefined();
    expect(paths['/admin/services']?.get?.responses['200']).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ServiceHealthListDto' } } },
    });
  });

  it('documents stats and export of every resource, declared before /{id}', () => {
    const paths = Object.keys(document.paths);
    for (const resource of ['transactions', 'network-logs', 'social-posts']) {
      const stats = (document.paths[`/${resource}/stats`] as Record<string, Operation>)['get'];
      expect(stats.responses['200'].content?.['application/json'].schema?.$ref).toBe(
        '#/components/schemas/RecordStatsDto',
      );
      expect(stats.responses['400']).toBeDefined();
      const exported = (document.paths[`/${resource}/export`] as Record<string, Operation>)['get'];
      expect(Object.keys(exported.responses['200'].content ?? {})).toEqual(['application/x-ndjson', 'text/csv']);
      expect(paths.indexOf(`/${resource}/stats`)).toBeLessThan(paths.indexOf(`/${resource}/{id}`));
      expect(paths.indexOf(`/${resource}/export`)).toBeLessThan(paths.indexOf(`/${resource}/{id}`));
    }
  });

  it('gives every operation a 2xx answer with a schema (204 has no body)', () => {
    for (const [name, operation] of operations(document)) {
      const success = Object.entries(operation.responses).filter(([status]) => status.startsWith('2'));
      expect({ name, success: success.length > 0 }).toEqual({ name, success: true });
      for (const [status, response] of success) {
        if (status === '204') continue;
        const schemas = Object.values(response.content ?? {}).map((media) => media.schema);
        expect({
          name,
          status,
          typed: schemas.length > 0 && schemas.every((schema) => schema?.$ref || schema?.type),
        }).toEqual({ name, status, typed: true });
      }
    }
  });

  it('types the records of each resource: list items, GET and PUT', () => {
    const schemas = document.components?.schemas as Record<
      string,
      { properties?: Record<string, { items?: { $ref?: string } }>; required?: string[] }
    >;
    const ok = (key: string, method: string) =>
      (document.paths[key] as Record<string, Operation>)[method].responses['200'].content?.['application/json'].schema
        ?.$ref;
    expect(ok('/transactions', 'get')).toBe('#/components/schemas/TransactionPageDto');
    expect(schemas['TransactionPageDto'].properties?.['items'].items?.$ref).toBe(
      '#/components/schemas/TransactionRecordDto',
    );
    expect(schemas['TransactionPageDto'].required).toEqual(expect.arrayContaining(['items', 'nextCursor']));
    expect(ok('/transactions/{id}', 'get')).toBe('#/components/schemas/TransactionRecordDto');
    expect(ok('/transactions/{id}', 'put')).toBe('#/components/schemas/TransactionRecordDto');
    expect(ok('/social-posts/{id}', 'get')).toBe('#/components/schemas/SocialPostRecordDto');
    expect(ok('/network-logs', 'get')).toBe('#/components/schemas/NetworkLogPageDto');
    const transaction = schemas['TransactionRecordDto'];
    expect(Object.keys(transaction.properties ?? {})).toEqual(
      expect.arrayContaining([
        'id',
        'timestamp',
        'ingestedAt',
        'source',
        'eventId',
        'transactionId',
        'customerId',
        'amount',
        'amountMinor',
        'currency',
        'status',
        'riskFlags',
        'cardLast4',
      ]),
    );
    expect(transaction.properties).not.toHaveProperty('cardNumber');
    expect(transaction.required).toEqual(expect.arrayContaining(['id', 'source', 'transactionId', 'amount']));
    expect(transaction.required).not.toContain('cardLast4');
  });

  it('documents the ingest request of each topic with the schema generated from its topic catalogue', () => {
    const body = (document.paths['/ingest/transactions'] as Record<string, Operation>)['post'].requestBody?.content[
      'application/json'
    ].schema;
    expect(JSON.stringify(body)).toContain('#/components/schemas/TransactionsPayload');
    const payload = document.components?.schemas?.['TransactionsPayload'] as {
      required: string[];
      properties: Record<string, unknown>;
    };
    expect(payload.required).toEqual(['transactionId', 'customerId', 'amount', 'currency', 'timestamp']);
    expect(Object.keys(payload.properties)).toContain('cardNumber');
    // OpenAPI 3.0: several accepted JSON types as oneOf, never a list of types
    expect(payload.properties['timestamp']).toMatchObject({
      oneOf: [{ type: 'string' }, { type: 'integer' }],
      format: 'date-time',
    });
    expect(JSON.stringify(document.components?.schemas)).not.toMatch(/"type":\[/);
    const ingest = (document.paths['/ingest/transactions'] as Record<string, Operation>)['post'].responses['202']
      .content?.['application/json'].schema?.$ref;
    expect(ingest).toBe('#/components/schemas/IngestResultDto');
  });

  it('serves errors as problem+json, except the OAuth errors of /token', () => {
    const list = (document.paths['/transactions'] as Record<string, Operation>)['get'];
    for (const status of ['400', '401', '429', '502', '503', '504']) {
      expect(Object.keys(list.responses[status].content ?? {})).toEqual(['application/problem+json']);
      expect(list.responses[status].content?.['application/problem+json'].schema?.$ref).toBe(
        '#/components/schemas/ProblemDetailsDto',
      );
    }
    const token = (document.paths['/token'] as Record<string, Operation>)['post'];
    expect(token.responses['400'].content?.['application/json'].schema?.$ref).toBe(
      '#/components/schemas/OAuthErrorDto',
    );
    const problem = document.components?.schemas?.['ProblemDetailsDto'] as {
      properties: Record<string, unknown>;
      required: string[];
    };
    expect(problem.required).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'instance', 'statusCode', 'message']),
    );
    expect(problem.properties).toHaveProperty('errors');
  });

  it('documents the Link header of listings and the delta seconds of X-RateLimit-Reset', () => {
    const list = (
      document.paths['/transactions'] as Record<
        string,
        { responses: Record<string, { headers: Record<string, { description: string }> }> }
      >
    )['get'];
    expect(list.responses['200'].headers['Link'].description).toContain('rel="next"');
    expect(list.responses['200'].headers['X-RateLimit-Reset'].description).toMatch(
      /seconds from now, NOT an epoch time/,
    );
  });
});

describe(fallbackOperationId.name, () => {
  it('names undecorated routes after controller and method', () => {
    expect(fallbackOperationId('HealthController', 'live')).toBe('healthLive');
  });
});
