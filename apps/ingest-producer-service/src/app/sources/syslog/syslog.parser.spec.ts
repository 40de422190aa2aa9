import { parseSyslog } from './syslog.parser';
import { syslogRecord } from './syslog.service';

describe(parseSyslog.name, () => {
  const receivedAt = new Date(Date.UTC(2026, 10, 24, 12, 0, 0));

  describe('RFC 5424', () => {
    it('reads every header field, structured data and the message', () => {
      const sut = parseSyslog(
        '<165>1 2026-11-24T10:15:30.123456+01:00 web-01.example.com nginx 2817 ID47 [exampleSDID@32473 iut="3" eventSource="App"] \uFEFFGET /index.html 200',
        receivedAt,
      );
      expect(sut).toEqual({
        format: 'rfc5424',
        timestamp: '2026-11-24T09:15:30.123Z',
        host: 'web-01.example.com',
        app: 'nginx',
        severity: 'notice',
        facility: 'local4',
        message: 'GET /index.html 200',
      });
    });

    it('takes nil values as absent and a nil time as the time received', () => {
      const sut = parseSyslog('<14>1 - - - - - - plain message', receivedAt);
      expect(sut).toEqual({
        format: 'rfc5424',
        timestamp: receivedAt.toISOString(),
        severity: 'info',
        facility: 'user',
        message: 'plain message',
      });
    });

    it('handles escaped quotes and brackets inside structured data', () => {
      const sut = parseSyslog(
        '<13>1 2026-11-24T10:00:00Z h app - - [a@1 x="say \\"hi\\" \\]"][b@2 y="z"] after',
        receivedAt,
      );
      expect(sut.message).toBe('after');
      expect(sut.host).toBe('h');
    });

    it('keeps the structured data as the message when there is no message', () => {
      expect(parseSyslog('<13>1 2026-11-24T10:00:00Z h app - - [meta x="1"]', receivedAt).message).toBe('[meta x="1"]');
    });

    it('reads what util-linux logger sends', () => {
      const sut = parseSyslog(
        '<13>1 2026-11-24T19:42:54.802314+00:00 box root - - [timeQuality tzKnown="1" isSynced="0"] hello udp',
        receivedAt,
      );
      expect(sut).toMatchObject({
        format: 'rfc5424',
        host: 'box',
        app: 'root',
        severity: 'notice',
        facility: 'user',
        message: 'hello udp',
      });
      expect(sut.timestamp).toBe('2026-11-24T19:42:54.802Z');
    });
  });

  describe('RFC 3164', () => {
    it('reads time, host, tag with pid and message in the receiver zone', () => {
      const sut = parseSyslog(
        "<34>Oct 11 22:14:15 mymachine su[230]: 'su root' failed for lonvick on /dev/pts/8",
        receivedAt,
      );
      expect(sut).toEqual({
        format: 'rfc3164',
        timestamp: new Date(2026, 9, 11, 22, 14, 15).toISOString(),
        host: 'mymachine',
        app: 'su',
        severity: 'critical',
        facility: 'auth',
        message: "'su root' failed for lonvick on /dev/pts/8",
      });
    });

    it('accepts a space-padded day and a tag without hostname', () => {
      const sut = parseSyslog('<13>Nov  4 08:00:01 cron: job done', receivedAt);
      expect(sut).toMatchObject({
        app: 'cron',
        message: 'job done',
        timestamp: new Date(2026, 10, 4, 8, 0, 1).toISOString(),
      });
      expect(sut.host).toBeUndefined();
    });

    it('puts a December message received in January in the previous year', () => {
      const sut = parseSyslog('<13>Dec 31 23:59:59 host app: late', new Date(2027, 0, 1, 0, 0, 5));
      expect(sut.timestamp).toBe(new Date(2026, 11, 31, 23, 59, 59).toISOString());
    });

    it('accepts an RFC 3339 time in place of the BSD one', () => {
      const sut = parseSyslog('<11>2026-11-24T08:00:00.5Z fw-1 kernel: DROP IN=eth0', receivedAt);
      expect(sut).toMatchObject({
        timestamp: '2026-11-24T08:00:00.500Z',
        host: 'fw-1',
        app: 'kernel',
        severity: 'error',
        facility: 'user',
        message: 'DROP IN=eth0',
      });
    });

    it('keeps a message after the host when there is no tag', () => {
      expect(parseSyslog('<13>Nov 24 10:00:00 host just words here', receivedAt)).toMatchObject({
        host: 'host',
        message: 'just words here',
      });
    });

    it('keeps the text after a priority with no timestamp as the message', () => {
      expect(parseSyslog('<13>no timestamp here', receivedAt)).toMatchObject({
        format: 'rfc3164',
        timestamp: receivedAt.toISOString(),
        severity: 'notice',
        message: 'no timestamp here',
      });
    });
  });

  describe('unparseable lines', () => {
    it.each([
      ['no priority at all', 'no priority at all'],
      ['an out-of-range priority', '<999>1 2026-11-24T10:00:00Z h a - - - x'],
      ['a bare number', '12345'],
    ])('keeps %s whole as the message', (_case, line) => {
      expect(parseSyslog(line, receivedAt)).toEqual({
        format: 'raw',
        timestamp: receivedAt.toISOString(),
        message: line,
      });
    });

    it('falls back to RFC 3164 reading when a version-1 header is broken', () => {
      const sut = parseSyslog('<13>1 not-a-time host app - - - msg', receivedAt);
      expect(sut.format).toBe('rfc3164');
      expect(sut.message).toContain('msg');
    });

    it('cuts messages and fields to the network_logs limits', () => {
      const sut = parseSyslog(`<13>1 - ${'h'.repeat(300)} ${'a'.repeat(200)} - - - ${'m'.repeat(70_000)}`, receivedAt);
      expect(sut.host).toHaveLength(255);
      expect(sut.app).toHaveLength(128);
      expect(sut.message).toHaveLength(65_536);
    });

    it('strips trailing newlines and NULs', () => {
      expect(parseSyslog('<13>1 - h a - - - text\r\n\0', receivedAt).message).toBe('text');
    });
  });
});

describe(syslogRecord.name, () => {
  it('uses the sender address as sourceIp, unmapping IPv4-mapped IPv6', () => {
    expect(syslogRecord('hello', '::ffff:10.1.2.3', new Date(0))).toEqual({
      timestamp: '1970-01-01T00:00:00.000Z',
      message: 'hello',
      sourceIp: '10.1.2.3',
    });
    expect(syslogRecord('<14>1 - h a - - - x', '2001:db8::1', new Date(0))).toMatchObject({
      sourceIp: '2001:db8::1',
      host: 'h',
    });
  });
});

describe('parseSyslog impossible dates', () => {
  it('keeps an impossible RFC 5424 date as written, so validation refuses it instead of rolling it over', () => {
    const parsed = parseSyslog('<13>1 2026-02-30T00:00:00Z host app - - - hello');
    expect(parsed.format).toBe('rfc5424');
    expect(parsed.timestamp).toBe('2026-02-30T00:00:00Z');
  });
});
