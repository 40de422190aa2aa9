import { loadEnvOrExit, runService } from '@datalake/service-kit';
import { JSON_LIMITS, jsonTextDepth } from '@datalake/kafka-schemas';
import { AppModule, SERVICE_NAME } from './app/app.module';
import { defaultConsoleDir, serveConsole } from './app/console/console-static';
import { GatewayEnv } from './app/gateway.env';
import { BODY_LIMIT, configureHttp, isIngestRequest } from './app/http/configure-http';
import { setupOpenApi } from './app/http/openapi';

const env = loadEnvOrExit(SERVICE_NAME, GatewayEnv);
void runService({
  name: SERVICE_NAME,
  port: env.GATEWAY_PORT,
  managementPort: env.GATEWAY_MANAGEMENT_PORT,
  module: AppModule.forRoot(env),
  bodyLimit: BODY_LIMIT,
  bodyDepth: { maxDepth: JSON_LIMITS.maxDepth, depthOf: jsonTextDepth },
  // Ingestion bodies stay bytes (JSON or NDJSON), forwarded as they came, depth-checked all the same.
  extraBodyParsers: [{ kind: 'raw', type: isIngestRequest }],
  configure: (app) => {
    configureHttp(app, env);
    serveConsole(app, defaultConsoleDir());
    setupOpenApi(app);
  },
});
