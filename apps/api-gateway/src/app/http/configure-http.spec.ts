import type { NextFunction, Request, Response } from 'express';
import { bodyErrorHandler } from './configure-http';

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

describe(bodyErrorHandler.name, () => {
  it('answers a body over the limit with 413 JSON', () => {
    const { sent, response } = capture();
    bodyErrorHandler(Object.assign(new Error('request entity too large'), { status: 413, type: 'entity.too.large' }), {} as Request, response, jest.fn());
    expect(sent).toEqual({ status: 413, body: { statusCode: 413, message: 'request body is larger than 5MB' } });
  });

  it('answers malformed JSON with 400 JSON', () => {
    const { sent, response } = capture();
    bodyErrorHandler(Object.assign(new SyntaxError('Unexpected token'), { status: 400, type: 'entity.parse.failed' }), {} as Request, response, jest.fn());
    expect(sent).toEqual({ status: 400, body: { statusCode: 400, message: 'request body is not valid JSON' } });
  });

  it('leaves other errors to the next handler', () => {
    const next = jest.fn() as NextFunction;
    const error = new Error('boom');
    bodyErrorHandler(error, {} as Request, capture().response, next);
    expect(next).toHaveBeenCalledWith(error);
  });
});
