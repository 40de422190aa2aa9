import { bodyDepthProblem, BodyTooDeepError, type JsonDepthLimit, verifyBodyDepth } from './json-body-limits';

/** Stand-in for kafka-schemas' jsonTextDepth: the test bodies nest every bracket they open. */
const depthOf = (text: string) => (text.match(/[[{]/g) ?? []).length;

const limit: JsonDepthLimit = { maxDepth: 3, depthOf };
const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
const json = (text: string) => Buffer.from(text);

describe(bodyDepthProblem.name, () => {
  it('allows one level more than a record for the array of a batch', () => {
    expect(bodyDepthProblem(json(nested(4)), 'application/json', limit)).toBeUndefined();
    expect(bodyDepthProblem(json(nested(5)), 'application/json', limit)).toMatch(/deeper than 4 levels \(3 per record/);
  });

  it('checks each NDJSON line against the record limit and names the line', () => {
    expect(bodyDepthProblem(json(`{"a":1}\n${nested(3)}\n`), 'application/x-ndjson', limit)).toBeUndefined();
    expect(bodyDepthProblem(json(`{"a":1}\n${nested(4)}\n`), 'application/x-ndjson; charset=utf-8', limit)).toMatch(
      /^line 2 .*deeper than 3 levels/,
    );
  });

  it('stops counting at the limit on a 6,000-deep body', () => {
    const counted: number[] = [];
    const spy: JsonDepthLimit = { maxDepth: 3, depthOf: (text, max) => (counted.push(max), depthOf(text, max)) };
    expect(bodyDepthProblem(json(nested(6000)), undefined, spy)).toBeDefined();
    expect(counted).toEqual([4]);
  });
});

describe(verifyBodyDepth.name, () => {
  const request = (contentType: string) => ({ headers: { 'content-type': contentType } }) as never;

  it('throws a 400 body-parser error for a body too deep', () => {
    const verify = verifyBodyDepth(limit);
    expect(() => verify(request('application/json'), undefined, json(nested(10)))).toThrow(BodyTooDeepError);
    try {
      verify(request('application/json'), undefined, json(nested(10)));
    } catch (error) {
      expect(error).toMatchObject({ status: 400, type: 'entity.too.deep' });
    }
  });

  it('passes form bodies and shallow JSON', () => {
    const verify = verifyBodyDepth(limit);
    expect(() => verify(request('application/x-www-form-urlencoded'), undefined, json('a=[[[[[[['))).not.toThrow();
    expect(() => verify(request('application/json'), undefined, json('{"a":[1,2]}'))).not.toThrow();
  });
});
