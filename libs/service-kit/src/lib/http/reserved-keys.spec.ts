import { reservedKeyIn, reservedQueryKey } from './reserved-keys';

describe(reservedKeyIn.name, () => {
  it.each([
    ['__proto__ at the top', '{"username":"a","__proto__":{"role":"admin"}}', '__proto__'],
    ['constructor at the top', '{"constructor":{"prototype":{}}}', 'constructor'],
    ['prototype deep inside', '[{"a":{"b":[{"prototype":1}]}}]', 'prototype'],
  ])('finds %s (as JSON.parse makes it: an own key)', (_name, json, key) => {
    expect(reservedKeyIn(JSON.parse(json))).toBe(key);
  });

  it('leaves ordinary bodies, and those words as values, alone', () => {
    expect(reservedKeyIn({ username: 'constructor', tags: ['__proto__'], nested: { role: 'user' } })).toBeUndefined();
    expect(reservedKeyIn(undefined)).toBeUndefined();
    expect(reservedKeyIn('text')).toBeUndefined();
    expect(reservedKeyIn(Buffer.from('{"__proto__":1}'))).toBeUndefined();
  });

  it('does not walk a raw 5 MB body byte by byte', () => {
    const started = Date.now();
    expect(reservedKeyIn(Buffer.alloc(5 * 1024 * 1024, 0x20))).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(50);
  });
});

describe(reservedQueryKey.name, () => {
  it.each([
    ['/users?__proto__[role]=admin', '__proto__'],
    ['/users?constructor=x', 'constructor'],
    ['/users?a[constructor][prototype]=1', 'constructor'],
    ['/users?a.prototype=1', 'prototype'],
    ['/users?%5F%5Fproto%5F%5F=1', '__proto__'],
    ['/users?limit=5&__proto__=1', '__proto__'],
  ])('finds it in %s', (url, key) => {
    expect(reservedQueryKey(url)).toBe(key);
  });

  it('leaves ordinary queries alone', () => {
    expect(reservedQueryKey('/users?limit=5&cursor=abc&q=constructor')).toBeUndefined();
    expect(reservedQueryKey('/users')).toBeUndefined();
  });
});
