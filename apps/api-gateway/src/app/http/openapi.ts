import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { ResponseObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ALL_TOPICS, payloadJsonSchema } from '@datalake/kafka-schemas';
import { MANAGEMENT_ONLY_PATHS, PROBLEM_CONTENT_TYPE } from '@datalake/service-kit';
import { payloadSchemaName } from '../ingest/ingest-proxy.controller';
import { BEARER_SCHEME, OAUTH2_SCHEME } from './api-docs';

const DESCRIPTION = `DataLake public REST API.

Authentication: OAuth 2.0 password grant. \`POST /token\` (form-encoded username and password) returns a
bearer JWT; send it as \`Authorization: Bearer <token>\`.

Roles: \`user\` reads records and \`/me\`; \`admin\` also updates and deletes records, ingests, and manages users.

Quota: every authenticated request counts against the caller's hourly quota (QUOTA_PER_HOUR, default
100), shared by all gateway replicas. Windows are fixed UTC hours. Every authenticated answer carries
\`X-RateLimit-Limit\`, \`X-RateLimit-Remaining\` and \`X-RateLimit-Reset\` (seconds until the window
ends: delta seconds, not GitHub's epoch seconds); past the quota the answer is 429 with \`Retry-After\` (seconds).

Paging: listings answer \`{items, nextCursor}\`; when there is a next page the answer also carries
\`Link: <…&cursor=…>; rel="next"\` (RFC 8288).

Errors are RFC 9457 problem details (\`application/problem+json\`): \`type\`, \`title\`, \`status\`, \`detail\`,
\`instance\`, plus the \`statusCode\`, \`message\` (and \`error\`) members of earlier releases; validation
failures add \`errors: [{field, message}]\`. The OAuth errors of \`POST /token\` stay RFC 6749 §5.2
(\`{error}\`, application/json). Every answer carries \`x-request-id\` (yours when you send a sane one).`;

/**
 * The one operational route the public port serves (service-kit); `/health/ready` and `/metrics` live on
 * the management port (GATEWAY_MANAGEMENT_PORT), which is not part of the public API.
 */
const OPERATIONAL_ROUTES: Record<string, { operationId: string; content: string; schema: SchemaObject }> = {
  '/health/live': {
    operationId: 'getLiveness',
    content: 'application/json',
    schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } }, required: ['status'] },
  },
};

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** Fallback for a route without an explicit operationId: `HealthController.live` → `healthLive`. */
export function fallbackOperationId(controllerKey: string, methodKey: string): string {
  return lowerFirst(controllerKey.replace(/Controller$/, '')) + methodKey.charAt(0).toUpperCase() + methodKey.slice(1);
}

type Operation = { operationId?: string; responses: Record<string, ResponseObject> };

function operationsOf(document: OpenAPIObject): { path: string; method: string; operation: Operation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Operation>)
      .filter(([, operation]) => operation && typeof operation === 'object' && 'responses' in operation)
      .map(([method, operation]) => ({ path, method, operation })),
  );
}

/** Error answers that are problem details are served as application/problem+json: say so. */
function labelProblemResponses(document: OpenAPIObject): void {
  for (const { operation } of operationsOf(document)) {
    for (const [status, response] of Object.entries(operation.responses)) {
      const json = response.content?.['application/json'];
      const ref = (json?.schema as { $ref?: string } | undefined)?.$ref ?? '';
      if (Number(status) >= 400 && json && ref.endsWith('/ProblemDetailsDto')) {
        response.content = { [PROBLEM_CONTENT_TYPE]: json };
      }
    }
  }
}

function documentOperationalRoutes(document: OpenAPIObject): void {
  // The same controllers answer on the management port only: the public contract leaves them out.
  for (const path of MANAGEMENT_ONLY_PATHS) delete document.paths[path];
  for (const { path, operation } of operationsOf(document)) {
    const route = OPERATIONAL_ROUTES[path];
    if (!route) continue;
    operation.operationId = route.operationId;
    const ok = operation.responses['200'] ?? { description: 'OK' };
    operation.responses['200'] = { ...ok, content: { [route.content]: { schema: route.schema } } };
  }
}

/**
 * A payload JSON Schema as OpenAPI 3.0 writes it: 3.0 has no list of types, so a field that accepts
 * several JSON types (`type: ['string', 'integer']`) becomes a `oneOf` of them.
 */
export function openApi30Schema(schema: Record<string, unknown>): SchemaObject {
  const { type, properties, ...rest } = schema;
  const converted: Record<string, unknown> = { ...rest };
  if (Array.isArray(type)) converted['oneOf'] = type.map((each: unknown) => ({ type: each }));
  else if (type !== undefined) converted['type'] = type;
  if (properties && typeof properties === 'object') {
    converted['properties'] = Object.fromEntries(
      Object.entries(properties as Record<string, Record<string, unknown>>).map(([name, property]) => [
        name,
        openApi30Schema(property),
      ]),
    );
  }
  return converted as SchemaObject;
}

/** The OpenAPI document of the gateway, generated from the controllers and DTOs. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('DataLake API')
    .setDescription(DESCRIPTION)
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_SCHEME)
    .addOAuth2({ type: 'oauth2', flows: { password: { tokenUrl: '/token', scopes: {} } } }, OAUTH2_SCHEME)
    .build();
  const document = SwaggerModule.createDocument(app, config, { operationIdFactory: fallbackOperationId });
  // The ingest operations refer to the payload schemas, generated from the topic catalogue.
  document.components ??= {};
  document.components.schemas ??= {};
  for (const topic of ALL_TOPICS)
    document.components.schemas[payloadSchemaName(topic)] = openApi30Schema(payloadJsonSchema(topic));
  labelProblemResponses(document);
  documentOperationalRoutes(document);
  return document;
}

/** OpenAPI at `/docs-json`, Swagger UI at `/docs`. */
export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
}
