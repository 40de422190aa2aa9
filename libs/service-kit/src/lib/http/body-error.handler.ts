import type { NextFunction, Request, Response } from 'express';
import { answerProblem } from '../errors/problem-details';

/**
 * Body parser failures (413 too large, 400 malformed or too deep, 415 charset) answered as problem+json
 * `{statusCode, message, …}`: Express would otherwise render an HTML page.
 */
export function bodyErrorHandler(bodyLimit: string) {
  return (
    error: Error & { status?: number; type?: string },
    request: Request,
    response: Response,
    next: NextFunction,
  ): void => {
    const statusCode = error.status ?? 0;
    if (statusCode < 400 || statusCode >= 500 || response.headersSent) return next(error);
    const message =
      statusCode === 413
        ? `request body is larger than ${bodyLimit.toUpperCase()}`
        : error.type === 'entity.parse.failed'
          ? 'request body is not valid JSON'
          : error.message;
    answerProblem(request, response, statusCode, message);
  };
}
