import { loadEnvOrExit, runService } from '@datalake/service-kit';
import { AppModule, SERVICE_NAME } from './app/app.module';
import { GatewayEnv } from './app/gateway.env';
import { configureHttp } from './app/http/configure-http';
import { setupOpenApi } from './app/http/openapi';

const env = loadEnvOrExit(SERVICE_NAME, GatewayEnv);
void runService({
  name: SERVICE_NAME,
  port: env.GATEWAY_PORT,
  module: AppModule.forRoot(env),
  configure: (app) => {
    configureHttp(app, env);
    setupOpenApi(app);
  },
});
