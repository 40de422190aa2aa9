import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { BEARER_SCHEME, OAUTH2_SCHEME } from './api-docs';

const DESCRIPTION = `DataLake public REST API.

Authentication: OAuth 2.0 password grant. \`POST /token\` (form-encoded username and password) returns a
bearer JWT; send it as \`Authorization: Bearer <token>\`.

Roles: \`user\` reads records and \`/me\`; \`admin\` also updates and deletes records, ingests, and manages users.

Quota: every authenticated request counts against the caller's hourly quota (QUOTA_PER_HOUR, default
100), shared by all gateway replicas. Windows are fixed UTC hours. Every authenticated answer carries
\`X-RateLimit-Limit\`, \`X-RateLimit-Remaining\` and \`X-RateLimit-Reset\` (seconds until the window
ends); past the quota the answer is 429 with \`Retry-After\` (seconds).

Errors are JSON \`{statusCode, message}\`, except the OAuth errors of \`POST /token\` (\`{error}\`, RFC 6749 §5.2).
Every answer carries \`x-request-id\` (yours when you send a sane one).`;

/** OpenAPI at `/docs-json`, Swagger UI at `/docs`, generated from the controllers and DTOs. */
export function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('DataLake API')
    .setDescription(DESCRIPTION)
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_SCHEME)
    .addOAuth2({ type: 'oauth2', flows: { password: { tokenUrl: '/token', scopes: {} } } }, OAUTH2_SCHEME)
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', swaggerOptions: { persistAuthorization: true } });
}
