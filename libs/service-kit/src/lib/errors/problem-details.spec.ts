import type { ArgumentsHost } from '@nestjs/common';
import {
  BadRequestException,
  HttpException,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Response } from 'express';
import { lastValueFrom, type Observable } from 'rxjs';
import { DomainError } from './domain-error';
import { isErrorFields, PROBLEM_CONTENT_TYPE, toProblem } from './problem-details';
import { ProblemDetailsFilter } from './problem-details.filter';

describe('toProblem', () => {
  it('adds the RFC 9457 members and keeps statusCode, message and error', () => {
    expect(toProblem({ statusCode: 404, message: 'no such record', error: 'NOT_FOUND' }, '/transactions/t-1')).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'no such record',
      instance: '/transactions/t-1',
      statusCode: 404,
      message: 'no such record',
      error: 'NOT_FOUND',
    });
  });

  it('joins several messages into the detail and keeps the array', () => {
    const problem = toProblem(
      { statusCode: 400, message: ['limit must be an integer', 'cursor is not a valid cursor'] },
      '/x',
    );
    expect(problem.detail).toBe('limit must be an integer; cursor is not a valid cursor');
    expect(problem.message).toEqual(['limit must be an integer', 'cursor is not a valid cursor']);
  });

  it('keeps a given type and title, but never lets an extension change status or instance', () => {
    const problem = toProblem(
      {
        statusCode: 409,
        message: 'taken',
        type: 'urn:datalake:taken',
        title: 'Taken',
        status: 200,
        instance: '/internal',
      },
      '/register',
    );
    expect(problem).toMatchObject({ type: 'urn:datalake:taken', title: 'Taken', status: 409, instance: '/register' });
  });

  it('tells error bodies from OAuth errors and health reports', () => {
    expect(isErrorFields({ statusCode: 400, message: 'x' })).toBe(true);
    expect(isErrorFields({ error: 'invalid_grant' })).toBe(false);
    expect(isErrorFields({ status: 'error', info: {} })).toBe(false);
    expect(isErrorFields([])).toBe(false);
  });
});

describe('ProblemDetailsFilter', () => {
  const filter = new ProblemDetailsFilter();

  function answer(exception: unknown, url = '/transactions?limit=900') {
    const sent: { status?: number; type?: string; body?: Record<string, unknown>; json?: unknown } = {};
    const response = {
      headersSent: false,
      status(code: number) {
        sent.status = code;
        return this;
      },
      type(type: string) {
        sent.type = type;
        return this;
      },
      send(text: string) {
        sent.body = JSON.parse(text);
        return this;
      },
      json(body: unknown) {
        sent.json = body;
        return this;
      },
    } as unknown as Response;
    const host = {
      getType: () => 'http',
      switchToHttp: () => ({ getResponse: () => response, getRequest: () => ({ originalUrl: url }) }),
    } as unknown as ArgumentsHost;
    filter.catch(exception, host);
    return sent;
  }

  it('answers a domain error by its code, as problem+json with the path as instance', () => {
    const sent = answer(new DomainError('NOT_FOUND', 'no such record', { id: 't-1' }), '/transactions/t-1');
    expect(sent.status).toBe(404);
    expect(sent.type).toBe(PROBLEM_CONTENT_TYPE);
    expect(sent.body).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'no such record',
      instance: '/transactions/t-1',
      statusCode: 404,
      message: 'no such record',
      error: 'NOT_FOUND',
      id: 't-1',
    });
  });

  it("keeps Nest's exception bodies (validation arrays, error phrase) and drops the query from instance", () => {
    const sent = answer(new BadRequestException(['limit must not be greater than 500']));
    expect(sent.body).toMatchObject({
      status: 400,
      statusCode: 400,
      error: 'Bad Request',
      message: ['limit must not be greater than 500'],
      instance: '/transactions',
    });
    expect(answer(new NotFoundException('gone')).body).toMatchObject({
      title: 'Not Found',
      detail: 'gone',
      message: 'gone',
    });
  });

  it('answers an exception whose body is a string, e.g. the throttler 429', () => {
    const sent = answer(new ThrottlerException('too many requests'));
    expect(sent.status).toBe(429);
    expect(sent.body).toMatchObject({
      status: 429,
      statusCode: 429,
      title: 'Too Many Requests',
      message: 'too many requests',
    });
  });

  it('answers anything else with a 500 that shows no internals (they go to the log)', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const sent = answer(new TypeError('cannot read x of undefined at /srv/app.js:10'));
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('/srv/app.js'));
    logged.mockRestore();
    expect(sent.status).toBe(500);
    expect(sent.body).toMatchObject({ status: 500, statusCode: 500, message: 'Internal server error' });
    expect(JSON.stringify(sent.body)).not.toContain('/srv/app.js');
  });

  it('sends a body of its own shape (the readiness report) as it is', () => {
    const report = { status: 'error', info: {}, error: { mongo: { status: 'down' } }, details: {} };
    const sent = answer(new ServiceUnavailableException(report));
    expect(sent.status).toBe(503);
    expect(sent.json).toEqual(report);
    expect(sent.body).toBeUndefined();
  });

  it('leaves errors of other transports to them', async () => {
    const host = { getType: () => 'rpc' } as unknown as ArgumentsHost;
    const error = new HttpException('x', 400);
    await expect(lastValueFrom(filter.catch(error, host) as Observable<never>)).rejects.toBe(error);
  });
});
