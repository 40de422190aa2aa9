import type { Request } from 'express';
import { forwardedHeaders, toQueryParams } from './upstreams';

describe(forwardedHeaders.name, () => {
  it('passes the request id, client address and verified caller, never client-sent identity headers', () => {
    const request = {
      id: 'req-1',
      ip: '203.0.113.7',
      headers: { 'x-user-role': 'admin' },
      user: { id: 'u-1', username: 'alice', role: 'user' },
    } as unknown as Request;
    expect(forwardedHeaders(request)).toEqual({
      'x-request-id': 'req-1',
      'x-forwarded-for': '203.0.113.7',
      'x-user-id': 'u-1',
      'x-user-name': 'alice',
      'x-user-role': 'user',
    });
  });
});

describe(toQueryParams.name, () => {
  it('serialises the set fields of a validated query only', () => {
    expect(toQueryParams({ limit: 10, customerId: 'c-1', cursor: undefined })).toEqual({ limit: '10', customerId: 'c-1' });
  });
});
