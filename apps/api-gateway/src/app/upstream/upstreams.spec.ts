import type { Request, Response } from 'express';
import type { UpstreamAnswer } from './upstream-answer';
import { forwardedHeaders, relay, toQueryParams } from './upstreams';

describe(forwardedHeaders.name, () => {
  it('passes the request id and client address; the caller travels in the internal token, never in headers', () => {
    const request = {
      id: 'req-1',
      ip: '203.0.113.7',
      headers: { 'x-user-role': 'admin' },
      user: { id: 'u-1', username: 'alice', role: 'user' },
    } as unknown as Request;
    expect(forwardedHeaders(request)).toEqual({
      'x-request-id': 'req-1',
      'x-forwarded-for': '203.0.113.7',
    });
  });
});

describe(toQueryParams.name, () => {
  it('serialises the set fields of a validated query only', () => {
    expect(toQueryParams({ limit: 10, customerId: 'c-1', cursor: undefined })).toEqual({
      limit: '10',
      customerId: 'c-1',
    });
  });
});

describe(relay.name, () => {
  function relayed(answer: UpstreamAnswer) {
    const sent: { status?: number; type?: string; text?: string; json?: unknown; headers: Record<string, unknown> } = {
      headers: {},
    };
    const response = {
      req: { originalUrl: '/transactions/t-9?x=1' },
      setHeader: (name: string, value: unknown) => (sent.headers[name] = value),
      status(code: number) {
        sent.status = code;
        return this;
      },
      type(type: string) {
        sent.type = type;
        return this;
      },
      send(text: string) {
        sent.text = text;
        return this;
      },
      json(body: unknown) {
        sent.json = body;
        return this;
      },
      end() {
        return this;
      },
    } as unknown as Response;
    relay(response, answer);
    return sent;
  }

  it("relays a service's error as problem+json naming the path the client called", () => {
    const sent = relayed({
      status: 404,
      body: { statusCode: 404, message: 'no such record', error: 'NOT_FOUND', instance: '/internal/t-9' },
    });
    expect(sent.status).toBe(404);
    expect(sent.type).toBe('application/problem+json');
    expect(JSON.parse(sent.text ?? '')).toEqual({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'no such record',
      instance: '/transactions/t-9',
      statusCode: 404,
      message: 'no such record',
      error: 'NOT_FOUND',
    });
  });

  it('relays records and OAuth errors as JSON, and Retry-After as it came', () => {
    expect(relayed({ status: 200, body: { id: 't-9' } }).json).toEqual({ id: 't-9' });
    const oauth = relayed({ status: 400, body: { error: 'invalid_grant' }, retryAfter: '7' });
    expect(oauth.json).toEqual({ error: 'invalid_grant' });
    expect(oauth.type).toBeUndefined();
    expect(oauth.headers['Retry-After']).toBe('7');
  });
});
