import type { NextFunction, Request, Response } from 'express';
import { bodyErrorHandler } from './body-error.handler';
import { BodyTooDeepError } from './json-body-limits';

const handler = bodyErrorHandler('5mb');

function capture() {
  const sent: { status?: number; type?: string; body?: unknown } = {};
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
  } as unknown as Response;
  return { sent, response };
}

describe('bodyErrorHandler', () => {
  const request = { originalUrl: '/ingest/transactions?x=1' } as Request;

  it('answers a body over the limit with 413 problem+json', () => {
    const { sent, response } = capture();
    handler(
      Object.assign(new Error('request entity too large'), { status: 413, type: 'entity.too.large' }),
      request,
      response,
      jest.fn(),
    );
    expect(sent).toEqual({
      status: 413,
      type: 'application/problem+json',
      body: {
        type: 'about:blank',
        title: 'Payload Too Large',
        status: 413,
        detail: 'request body is larger than 5MB',
        instance: '/ingest/transactions',
        statusCode: 413,
        message: 'request body is larger than 5MB',
      },
    });
  });

  it('answers malformed JSON with 400 JSON', () => {
    const { sent, response } = capture();
    handler(
      Object.assign(new SyntaxError('Unexpected token'), { status: 400, type: 'entity.parse.failed' }),
      {} as Request,
      response,
      jest.fn(),
    );
    expect(sent.body).toMatchObject({
      status: 400,
      statusCode: 400,
      message: 'request body is not valid JSON',
      detail: 'request body is not valid JSON',
    });
  });

  it('answers a body nested too deep with 400 JSON naming the limit', () => {
    const { sent, response } = capture();
    handler(new BodyTooDeepError('request body nests deeper than 33 levels'), {} as Request, response, jest.fn());
    expect(sent.body).toMatchObject({
      statusCode: 400,
      message: 'request body nests deeper than 33 levels',
      title: 'Bad Request',
    });
  });

  it('leaves other errors to the next handler', () => {
    const next = jest.fn() as NextFunction;
    const error = new Error('boom');
    handler(error, {} as Request, capture().response, next);
    expect(next).toHaveBeenCalledWith(error);
  });
});
