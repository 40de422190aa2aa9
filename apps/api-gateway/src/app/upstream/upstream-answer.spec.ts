import {
  BadGatewayException,
  GatewayTimeoutException,
  HttpException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { interpretUpstreamAnswer, upstreamFailure } from './upstream-answer';

function networkError(code: string): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
}

function statusOf(thrown: () => unknown): number {
  try {
    thrown();
  } catch (error) {
    return (error as HttpException).getStatus();
  }
  return 0;
}

describe(interpretUpstreamAnswer.name, () => {
  it('relays 2xx and 4xx JSON answers as they are', () => {
    expect(interpretUpstreamAnswer('svc', 200, '{"items":[]}')).toEqual({ status: 200, body: { items: [] } });
    expect(interpretUpstreamAnswer('svc', 404, '{"statusCode":404,"message":"nope"}')).toEqual({
      status: 404,
      body: { statusCode: 404, message: 'nope' },
    });
    expect(interpretUpstreamAnswer('svc', 400, '{"error":"invalid_grant"}').body).toEqual({ error: 'invalid_grant' });
  });

  it('relays 204 without a body', () => {
    expect(interpretUpstreamAnswer('svc', 204, '')).toEqual({ status: 204, body: undefined });
  });

  it('keeps a 503 a 503 with the upstream message', () => {
    expect(() => interpretUpstreamAnswer('svc', 503, '{"message":"Kafka is unavailable"}')).toThrow(
      new ServiceUnavailableException('Kafka is unavailable'),
    );
  });

  it.each([
    ['a 500', 500, '{"statusCode":500,"message":"Internal server error"}'],
    ['a body that is not JSON', 200, '<html>proxy error</html>'],
    ['an empty 200', 200, ''],
    ['a redirect', 302, '{}'],
  ])('answers 502 for %s', (_case, status, text) => {
    expect(statusOf(() => interpretUpstreamAnswer('svc', status, text))).toBe(502);
  });
});

describe(upstreamFailure.name, () => {
  it.each(['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'UND_ERR_SOCKET'])(
    'answers 503 when the connection fails with %s',
    (code) => {
      expect(upstreamFailure('svc', networkError(code), 1000)).toBeInstanceOf(ServiceUnavailableException);
    },
  );

  it('answers 504 when the timeout fires', () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    const failure = upstreamFailure('svc', timeout, 1500);
    expect(failure).toBeInstanceOf(GatewayTimeoutException);
    expect(failure.message).toBe('svc did not answer within 1500 ms');
  });

  it('answers 502 for anything else and keeps HTTP errors it already made', () => {
    expect(upstreamFailure('svc', new Error('weird'), 1000)).toBeInstanceOf(BadGatewayException);
    const made = new ServiceUnavailableException('x');
    expect(upstreamFailure('svc', made, 1000)).toBe(made);
  });
});
