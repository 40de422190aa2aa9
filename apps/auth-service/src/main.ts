import { loadEnvOrExit, runService } from '@datalake/service-kit';
import { AppModule, SERVICE_NAME } from './app/app.module';
import { AuthEnv } from './app/auth.env';

const env = loadEnvOrExit(SERVICE_NAME, AuthEnv);
void runService({
  name: SERVICE_NAME,
  port: env.AUTH_PORT,
  module: AppModule.forRoot(env),
  // Credentials and role changes only: small bodies.
  bodyLimit: '64kb',
});
