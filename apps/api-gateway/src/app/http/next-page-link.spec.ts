import type { Request, Response } from 'express';
import { nextPageLink, setNextPageLink } from './next-page-link';

describe(nextPageLink.name, () => {
  it('is the same listing with the cursor of the next page (RFC 8288 rel="next")', () => {
    expect(nextPageLink('/transactions', { limit: 2, customerId: 'c 1', cursor: 'old' }, 'abc_-1')).toBe(
      '</transactions?limit=2&customerId=c+1&cursor=abc_-1>; rel="next"',
    );
  });
});

describe(setNextPageLink.name, () => {
  function linkOf(status: number, body: unknown): unknown {
    const headers: Record<string, unknown> = {};
    const response = { setHeader: (name: string, value: unknown) => (headers[name] = value) } as unknown as Response;
    setNextPageLink({ originalUrl: '/social-posts?limit=1' } as Request, response, { limit: 1 }, { status, body });
    return headers['Link'];
  }

  it('is set only when there is a next page', () => {
    expect(linkOf(200, { items: [{}], nextCursor: 'c2' })).toBe('</social-posts?limit=1&cursor=c2>; rel="next"');
    expect(linkOf(200, { items: [], nextCursor: null })).toBeUndefined();
    expect(linkOf(400, { statusCode: 400, message: 'x' })).toBeUndefined();
  });
});
