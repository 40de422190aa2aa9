import { JSON_LIMITS, jsonTextDepth, parseJsonWithLimits, valueDepth } from './json-limits';

const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

describe('JSON limits', () => {
  it('counts nesting in text without recursion, ignoring brackets in strings', () => {
    expect(jsonTextDepth('{"a":[1,{"b":"[[[{{{"}]}')).toBe(3);
    expect(jsonTextDepth('"\\"[["')).toBe(0);
    expect(jsonTextDepth(nested(100_000), 40)).toBe(41);
  });

  it('measures a parsed value iteratively', () => {
    expect(valueDepth({ a: [1, { b: 2 }] })).toBe(3);
    expect(valueDepth('text')).toBe(0);
    let deep: unknown = 1;
    for (let i = 0; i < 50_000; i++) deep = { a: deep };
    expect(valueDepth(deep, 10)).toBe(11);
  });

  it('refuses too deep, too large and broken JSON as results, never a throw', () => {
    expect(parseJsonWithLimits(nested(6000))).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'TOO_DEEP' }),
    });
    expect(parseJsonWithLimits(`"${'x'.repeat(JSON_LIMITS.maxRecordBytes)}"`)).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'TOO_LARGE' }),
    });
    expect(parseJsonWithLimits('{"a":')).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'INVALID_JSON' }),
    });
    expect(parseJsonWithLimits(Buffer.from(nested(JSON_LIMITS.maxDepth)))).toEqual({
      ok: true,
      value: expect.any(Object),
    });
  });
});
