import type { NextFunction, Request, Response } from 'express';
import { bodyErrorHandler } from './body-error.handler';
import { BodyTooDeepError } from './json-body-limits';

const handler = bodyErrorHandler('5mb');

function capture() {
  const sent: { status?: number; body?: unknown } = {};
  const response = {
    headersSent: false,
    status(code: number) {
      sent.status = code;
      return this;
    },
    json(body: unknown) {
      sent.body = body;
      return this;
    },
  } as unknown as Response;
  return { sent, response };
}

describe('bodyErrorHandler', () => {
  it('answers a body over the limit with 413 JSON', () => {
    const { sent, response } = capture();
    handler(Object.assign(new Error('request entity too large'), { status: 413, type: 'entity.too.large' }), {} as Request, response, jest.fn());
    expect(sent).toEqual({ status: 413, body: { statusCode: 413, message: 'request body is larger than 5MB' } });
  });

  it('answers malformed JSON with 400 JSON', () => {
    const { sent, response } = capture();
    handler(Object.assign(new SyntaxError('Unexpected token'), { status: 400, type: 'entity.parse.failed' }), {} as Request, response, jest.fn());
    expect(sent).toEqual({ status: 400, body: { statusCode: 400, message: 'request body is not valid JSON' } });
  });

  it('answers a body nested too deep with 400 JSON naming the limit', () => {
    const { sent, response } = capture();
    handler(new BodyTooDeepError('request body nests deeper than 33 levels'), {} as Request, response, jest.fn());
    expect(sent).toEqual({ status: 400, body: { statusCode: 400, message: 'request body nests deeper than 33 levels' } });
  });

  it('leaves other errors to the next handler', () => {
    const next = jest.fn() as NextFunction;
    const error = new Error('boom');
    handler(error, {} as Request, capture().response, next);
    expect(next).toHaveBeenCalledWith(error);
  });
});
