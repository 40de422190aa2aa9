import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { throwError } from 'rxjs';
import { DomainError, type DomainErrorCode } from './domain-error';
import { type ErrorFields, instanceOf, isErrorFields, sendProblem, toProblem } from './problem-details';

const STATUS_BY_CODE: Record<DomainErrorCode, number> = {
  INVALID: HttpStatus.BAD_REQUEST,
  NOT_FOUND: HttpStatus.NOT_FOUND,
  CONFLICT: HttpStatus.CONFLICT,
  UNAUTHORIZED: HttpStatus.UNAUTHORIZED,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  TOO_MANY_REQUESTS: HttpStatus.TOO_MANY_REQUESTS,
  PAYLOAD_TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
  UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
};

/** What an HTTP exception answers: its `{statusCode, message}` fields, or another body to send as it is. */
function fieldsOfHttpException(exception: HttpException): ErrorFields | { passThrough: object } {
  const status = exception.getStatus();
  const body = exception.getResponse();
  if (typeof body === 'string') return { statusCode: status, message: body };
  if (isErrorFields(body)) return { ...body, statusCode: status };
  // e.g. the readiness report of /health/ready (terminus): its own documented shape.
  if (body && typeof body === 'object' && !('message' in body)) return { passThrough: body };
  return { ...(body as object), statusCode: status, message: exception.message };
}

/**
 * Every HTTP error as RFC 9457 problem details (`application/problem+json`), keeping the
 * `statusCode`, `message` and `error` members: domain errors by their code, Nest's HTTP exceptions
 * by their status, anything else a logged 500 without internals. Filters bound to a controller or
 * route (the OAuth errors of `/token`) run before this one. Other transports are left alone.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ExceptionsHandler');

  catch(exception: unknown, host: ArgumentsHost) {
    if (host.getType() !== 'http') return throwError(() => exception);
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const fields = this.fieldsOf(exception);
    if (response.headersSent) {
      response.end();
      return undefined;
    }
    if ('passThrough' in fields) {
      response.status((exception as HttpException).getStatus()).json(fields.passThrough);
      return undefined;
    }
    sendProblem(response, toProblem(fields, instanceOf(request)));
    return undefined;
  }

  private fieldsOf(exception: unknown): ErrorFields | { passThrough: object } {
    if (exception instanceof DomainError) {
      return {
        statusCode: STATUS_BY_CODE[exception.code],
        message: exception.message,
        error: exception.code,
        ...exception.details,
      };
    }
    if (exception instanceof HttpException) return fieldsOfHttpException(exception);
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, message: 'Internal server error' };
  }
}
