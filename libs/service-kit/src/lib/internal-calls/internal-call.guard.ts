import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import type { Response } from 'express';
import { isManagementRequest } from '../management/management-port';
import {
  INTERNAL_TOKEN_HEADER,
  type InternalIdentity,
  InternalTokenRefused,
  InternalTokenVerifier,
} from './internal-token';
import { PUBLIC_ROUTE_KEY, ROLES_KEY } from './route-access';

/** The verified internal caller of a request, set by InternalCallGuard. */
export interface InternalCallRequest extends IncomingMessage {
  internalCall?: InternalIdentity;
}

export const INTERNAL_TOKEN_VERIFIER = Symbol('INTERNAL_TOKEN_VERIFIER');

/** `WWW-Authenticate` challenge of a refused internal call. */
export const INTERNAL_CHALLENGE = 'InternalToken realm="datalake-internal"';

/**
 * Global guard of every internal service: an HTTP route answers only to a call carrying a valid
 * internal token addressed to this service (401 otherwise), and a route with required roles only
 * when the token's end user has one of them (403). Exempt: routes marked @PublicRoute (liveness)
 * and the management port (health and metrics only, never routed publicly). Being global, it covers
 * every route added later without anyone remembering to.
 */
@Injectable()
export class InternalCallGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(INTERNAL_TOKEN_VERIFIER) private readonly verifier: InternalTokenVerifier,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    // Kafka event handlers (the consumers' microservice) are not HTTP calls.
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<InternalCallRequest>();
    if (isManagementRequest(request)) return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE_KEY, targets)) return true;
    const identity = this.identify(request, context.switchToHttp().getResponse<Response>());
    request.internalCall = identity;
    const roles = this.reflector.getAllAndOverride<string[] | undefined>(ROLES_KEY, targets);
    if (roles && roles.length > 0 && !(identity.user && roles.includes(identity.user.role)))
      throw new ForbiddenException(`this route requires the ${roles.join(' or ')} role`);
    return true;
  }

  private identify(request: IncomingMessage, response: Response): InternalIdentity {
    const header = request.headers[INTERNAL_TOKEN_HEADER];
    const token = typeof header === 'string' ? header.trim() : '';
    try {
      if (token === '') throw new InternalTokenRefused('missing internal token: call this service through the gateway');
      return this.verifier.verify(token);
    } catch (error) {
      if (!(error instanceof InternalTokenRefused)) throw error;
      response.setHeader('WWW-Authenticate', INTERNAL_CHALLENGE);
      throw new UnauthorizedException(error.message);
    }
  }
}
