import { createEvent, TOPICS } from '@datalake/kafka-schemas';
import { directionOf, isPrivateAddress, toNetworkLogDocument } from './network-log.transform';

describe('network log transform', () => {
  it('knows private ranges for IPv4 and IPv6', () => {
    expect(isPrivateAddress('10.1.2.3')).toBe(true);
    expect(isPrivateAddress('172.31.0.1')).toBe(true);
    expect(isPrivateAddress('172.32.0.1')).toBe(false);
    expect(isPrivateAddress('fd00::1')).toBe(true);
    expect(isPrivateAddress('2001:db8::1')).toBe(false);
  });

  it.each([
    ['10.0.0.1', '10.0.0.2', 'internal'],
    ['10.0.0.1', '8.8.8.8', 'outbound'],
    ['8.8.8.8', '192.168.1.1', 'inbound'],
    ['8.8.8.8', '1.1.1.1', 'external'],
    ['8.8.8.8', undefined, 'external'],
  ])('%s -> %s is %s', (source, dest, expected) => {
    expect(directionOf(source, dest)).toBe(expected);
  });

  it('normalises IPs, protocol, action, severity and time to UTC', () => {
    const event = createEvent(
      TOPICS.networkLogs,
      {
        timestamp: '2026-11-24T12:00:00+02:00',
        sourceIp: '2001:0DB8::0001',
        destIp: '::ffff:10.0.0.5',
        protocol: 'tcp',
        action: 'DENY',
        severity: 4,
        destPort: '22',
      },
      { kind: 'syslog', name: 'udp' },
    );
    if (!event.ok) throw new Error(event.error.message);
    expect(toNetworkLogDocument(event.value)).toMatchObject({
      sourceIp: '2001:db8::1',
      destIp: '10.0.0.5',
      protocol: 'TCP',
      action: 'deny',
      severity: 'warning',
      destPort: 22,
      direction: 'inbound',
      timestamp: new Date('2026-11-24T10:00:00.000Z'),
    });
  });
});
