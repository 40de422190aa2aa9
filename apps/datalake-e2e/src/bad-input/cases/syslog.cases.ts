import { garbageBytes, type CorpusCase } from '../support/corpus-case';

export type SyslogOutcome = 'stored' | 'dead-lettered' | 'ignored';

/** One thing sent to SYSLOG_PORT: a UDP datagram, or bytes written on a fresh TCP connection. */
export interface SyslogSend {
  transport: 'udp' | 'tcp';
  payload: Buffer;
}

export interface SyslogExpectation {
  /** The documented outcomes of the case's marked message (alternatives where the issue leaves a choice). */
  outcome: readonly SyslogOutcome[];
  /** Records the case must store, found by host `<tag>-<case>` (a burst). */
  storedCount?: number;
  /** x-dlq-error-code when dead-lettered. */
  dlqCode?: string;
  /** A stored record must not carry this timestamp (an impossible date shifted into a real one). */
  notTimestamp?: string;
}

export interface SyslogCase extends CorpusCase {
  surface: 'syslog';
  /** What to send; `marker` is text the marked message carries, to find its record or dead letter. */
  send(marker: string): SyslogSend[];
  expect: SyslogExpectation;
}

const bsd = (host: string, text: string) => `<13>Nov 24 10:00:00 ${host} corpus: ${text}`;
const udp = (payload: string | Buffer): SyslogSend => ({
  transport: 'udp',
  payload: Buffer.isBuffer(payload) ? payload : Buffer.from(payload),
});
const tcp = (payload: string | Buffer): SyslogSend => ({
  transport: 'tcp',
  payload: Buffer.isBuffer(payload) ? payload : Buffer.from(payload),
});

/**
 * Syslog over UDP and TCP. Every case is followed by a normal line from the runner (host
 * `<marker>-after`), which must be stored: a bad message never blocks the ones after it.
 */
export const SYSLOG_CASES: SyslogCase[] = [
  {
    id: 'syslog-01',
    surface: 'syslog',
    title: 'UDP datagram of 65,000 bytes',
    send: (marker) => [udp(bsd(marker, 'A'.repeat(65_000 - 40 - marker.length)))],
    expect: { outcome: ['stored', 'dead-lettered'] },
  },
  {
    id: 'syslog-02',
    surface: 'syslog',
    title: 'UDP datagram of binary garbage around a marker',
    send: (marker) => [
      udp(
        Buffer.concat([
          garbageBytes(300, 2).map((b) => (b === 0x0a || b === 0 ? 0x41 : b)),
          Buffer.from(` ${marker} `),
          garbageBytes(300, 3).map((b) => (b === 0x0a || b === 0 ? 0x41 : b)),
        ]),
      ),
    ],
    expect: { outcome: ['stored', 'dead-lettered'] },
  },
  {
    id: 'syslog-03',
    surface: 'syslog',
    title: 'priority <999> (out of range)',
    send: (marker) => [udp(`<999>Nov 24 10:00:00 ${marker} corpus: bad priority`)],
    expect: { outcome: ['stored', 'dead-lettered'] },
  },
  {
    id: 'syslog-04',
    surface: 'syslog',
    title: 'empty and whitespace-only datagrams',
    send: () => [udp(''), udp('   \r\n'), udp('\0\0')],
    expect: { outcome: ['ignored'] },
  },
  {
    id: 'syslog-05',
    surface: 'syslog',
    title: 'TCP line of 2 MB',
    send: (marker) => [tcp(`${bsd(marker, 'B'.repeat(2 * 1024 * 1024))}\n`)],
    expect: { outcome: ['stored', 'dead-lettered'] },
  },
  {
    id: 'syslog-06',
    surface: 'syslog',
    title: 'TCP octet-counted frame claiming 99,999,999,999 bytes',
    send: (marker) => [tcp(`99999999999 ${bsd(marker, 'short')}`)],
    expect: { outcome: ['stored', 'dead-lettered', 'ignored'] },
  },
  {
    id: 'syslog-07',
    surface: 'syslog',
    title: 'UDP burst of 300 lines',
    send: (marker) => Array.from({ length: 300 }, (_, i) => udp(bsd(marker, `burst line ${i}`))),
    expect: { outcome: ['stored'], storedCount: 300 },
  },
  {
    id: 'syslog-08',
    surface: 'syslog',
    title: 'RFC 5424 message with invalid UTF-8 in its text',
    send: (marker) => [
      udp(
        Buffer.concat([
          Buffer.from(`<14>1 2026-11-24T10:00:00Z ${marker} corpus - - - bytes: `),
          Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
        ]),
      ),
    ],
    expect: { outcome: ['stored'] },
  },
  {
    id: 'syslog-09',
    surface: 'syslog',
    title: 'RFC 5424 timestamp 2026-02-30T00:00:00Z',
    send: (marker) => [udp(`<14>1 2026-02-30T00:00:00Z ${marker} corpus - - - impossible date`)],
    expect: { outcome: ['dead-lettered'], dlqCode: 'INVALID_PAYLOAD', notTimestamp: '2026-03-02T00:00:00.000Z' },
  },
  {
    id: 'syslog-10',
    surface: 'syslog',
    title: 'TCP connection closed mid-line (no newline)',
    send: (marker) => [tcp(bsd(marker, 'no newline at the end'))],
    expect: { outcome: ['stored'] },
  },
  {
    id: 'syslog-11',
    surface: 'syslog',
    title: 'RFC 5424 header with garbage structured data',
    send: (marker) => [udp(`<14>1 2026-11-24T10:00:00Z ${marker} corpus - - [bad sd "unterminated] text`)],
    expect: { outcome: ['stored', 'dead-lettered'] },
  },
];
