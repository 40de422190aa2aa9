import { loadEnvOrExit, runService } from '@datalake/service-kit';
import { JSON_LIMITS, jsonTextDepth } from '@datalake/kafka-schemas';
import { AppModule, SERVICE_NAME } from './app/app.module';
import { AuthEnv } from './app/auth.env';

const env = loadEnvOrExit(SERVICE_NAME, AuthEnv);
void runService({
  name: SERVICE_NAME,
  port: env.AUTH_PORT,
  managementPort: env.AUTH_MANAGEMENT_PORT,
  module: AppModule.forRoot(env),
  // Credentials and role changes only: small bodies.
  bodyLimit: '64kb',
  bodyDepth: { maxDepth: JSON_LIMITS.maxDepth, depthOf: jsonTextDepth },
});
