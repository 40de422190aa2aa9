import { type DynamicModule, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JWT_AUTH_OPTIONS, type JwtAuthOptions, JwtStrategy } from './jwt.strategy';
import { RolesGuard } from './roles';

/** Registers the bearer-token strategy; use `JwtAuthGuard` and `RolesGuard` on routes. */
@Module({})
export class JwtAuthModule {
  static forRoot(options: JwtAuthOptions): DynamicModule {
    return {
      module: JwtAuthModule,
      global: true,
      imports: [PassportModule.register({ session: false })],
      providers: [{ provide: JWT_AUTH_OPTIONS, useValue: options }, JwtStrategy, JwtAuthGuard, RolesGuard],
      exports: [JwtAuthGuard, RolesGuard],
    };
  }
}
