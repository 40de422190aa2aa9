export * from './lib/authenticated-user';
export * from './lib/jwt.strategy';
export * from './lib/jwt-auth.guard';
export * from './lib/session-lookup';
export * from './lib/roles';
export * from './lib/current-user.decorator';
export * from './lib/jwt-auth.module';
export * from './lib/token-failure.limiter';
