import { parse } from 'csv-parse/sync';
import { csvCell, csvColumnsOf, csvLine, csvRowOf } from './record-export';

describe('CSV of exported records', () => {
  it('quotes fields with quotes, commas and line breaks (RFC 4180) and reads back the same', () => {
    const values = ['plain', 'a,b', 'say "hi"', 'line\nbreak', 'cr\r', 42, null, undefined, ['x', 'y'], { k: 1 }];
    const line = csvLine(values);
    expect(line.endsWith('\r\n')).toBe(true);
    expect(parse(line)).toEqual([
      ['plain', 'a,b', 'say "hi"', 'line\nbreak', 'cr\r', '42', '', '', '["x","y"]', '{"k":1}'],
    ]);
    expect(csvCell('"')).toBe('""""');
  });

  it('has id, the stored fields, the envelope fields and source flattened, without hidden fields', () => {
    const columns = csvColumnsOf({ topic: 'transactions', hiddenFields: ['amountValue'] });
    expect(columns[0]).toBe('id');
    expect(columns).toEqual(expect.arrayContaining(['timestamp', 'amount', 'currency', 'status', 'source.kind']));
    expect(columns).not.toContain('amountValue');
    expect(columns).not.toContain('cardNumber');
    expect(new Set(columns).size).toBe(columns.length);
  });

  it('reads nested columns of a public record', () => {
    expect(
      csvRowOf({ id: 'a', source: { kind: 'file', name: 'f.csv' } }, ['id', 'source.kind', 'source.name', 'x']),
    ).toEqual(['a', 'file', 'f.csv', undefined]);
  });
});
