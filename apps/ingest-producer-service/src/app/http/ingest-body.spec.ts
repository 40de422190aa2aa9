import { JSON_LIMITS } from '@datalake/kafka-schemas';
import { UnparseableRecord } from '../unparseable-record';
import { parseIngestBody } from './ingest-body';

describe('parseIngestBody', () => {
  it('takes an array as it is and wraps a single object', () => {
    expect(parseIngestBody([{ a: 1 }, { a: 2 }], 'application/json')).toHaveLength(2);
    expect(parseIngestBody({ a: 1 }, 'application/json')).toEqual([{ a: 1 }]);
  });

  it('splits NDJSON into records, keeping a bad line as an unparseable record at its position', () => {
    const records = parseIngestBody('{"a":1}\r\n\nnot json\n{"a":3}\n', 'application/x-ndjson');
    expect(records).toHaveLength(3);
    expect(records[1]).toBeInstanceOf(UnparseableRecord);
    expect((records[1] as UnparseableRecord).message).toBe('line 3 is not valid JSON');
  });

  it('reports an NDJSON line over the depth or size limit as its own refused record', () => {
    const deep = `${'['.repeat(6000)}${']'.repeat(6000)}`;
    const big = JSON.stringify({ message: 'm'.repeat(JSON_LIMITS.maxRecordBytes) });
    const records = parseIngestBody(`{"a":1}\n${deep}\n${big}\n{"a":4}`, 'application/x-ndjson');
    expect(records).toHaveLength(4);
    expect(records[1]).toMatchObject({ code: 'TOO_DEEP', message: expect.stringMatching(/^line 2: .*deeper than 32/) });
    expect(records[2]).toMatchObject({
      code: 'TOO_LARGE',
      message: expect.stringMatching(/^line 3: value is \d+ bytes/),
    });
    expect(records[3]).toEqual({ a: 4 });
  });

  it('refuses an empty or scalar body', () => {
    expect(() => parseIngestBody({}, 'application/json')).toThrow(/JSON object/);
    expect(() => parseIngestBody('text', 'text/plain')).toThrow(/JSON object/);
  });
});
