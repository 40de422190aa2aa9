import { SyslogBuffer } from './syslog-buffer';
import { receivedLine, truncatedSuffix } from './syslog-line';

describe(SyslogBuffer.name, () => {
  it('refuses messages past its count bound, and lets paused TCP overflow up to twice it', () => {
    const sut = new SyslogBuffer<number>({ maxMessages: 3, maxBytes: 1000 });
    expect([1, 2, 3, 4].map((n) => sut.push(n, 10))).toEqual([true, true, true, false]);
    expect(sut.isFull).toBe(true);
    expect([4, 5, 6, 7].map((n) => sut.push(n, 10, true))).toEqual([true, true, true, false]);
    expect(sut.length).toBe(6);
  });

  it('refuses messages past its byte bound', () => {
    const sut = new SyslogBuffer<string>({ maxMessages: 100, maxBytes: 100 });
    expect(sut.push('a', 60)).toBe(true);
    expect(sut.push('b', 60)).toBe(true);
    expect(sut.push('c', 1)).toBe(false);
    expect(sut.bytes).toBe(120);
  });

  it('takes batches bounded by count and bytes (at least one message) and puts failed ones back first', () => {
    const sut = new SyslogBuffer<string>({ maxMessages: 100, maxBytes: 10_000 });
    for (const [item, bytes] of [
      ['a', 100],
      ['b', 100],
      ['c', 500],
      ['d', 100],
      ['e', 100],
    ] as const)
      sut.push(item, bytes);
    expect(sut.take(10, 250)).toEqual(['a', 'b']);
    const big = sut.take(10, 250);
    expect(big).toEqual(['c']); // over the byte bound alone, still taken
    sut.putBack(big, () => 500);
    expect(sut.bytes).toBe(700);
    expect(sut.take(2, 10_000)).toEqual(['c', 'd']);
    expect(sut.take(10, 10_000)).toEqual(['e']);
    expect(sut.length).toBe(0);
    expect(sut.bytes).toBe(0);
    expect(sut.hasRoom).toBe(true);
  });
});

describe(receivedLine.name, () => {
  it('keeps a message up to the maximum whole, trailing CR/LF/NUL removed', () => {
    expect(receivedLine(Buffer.from('<13>hello\r\n\0'), 16)).toEqual({ text: '<13>hello', truncated: false, bytes: 9 });
  });

  it('cuts a longer one at the maximum, never inside a UTF-8 character', () => {
    const line = receivedLine(Buffer.from('<13>ab€€€'), 10); // € is 3 bytes: byte 10 is inside the second
    expect(line).toEqual({ text: '<13>ab€', truncated: true, bytes: 9 });
    expect(receivedLine(Buffer.from(`<13>${'A'.repeat(60_000)}`)).bytes).toBe(8192);
  });

  it('names the maximum in the truncation flag', () => {
    expect(truncatedSuffix(8192)).toBe(' [truncated: longer than 8192 bytes]');
  });
});
