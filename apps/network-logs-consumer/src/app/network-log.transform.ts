import { BlockList } from 'node:net';
import { normalizeNetworkLog, type KeyedEvent, type NETWORK_DIRECTIONS, type TOPICS } from '@datalake/kafka-schemas';
import { TransformError, type RecordDocument } from '@datalake/records';

/** Values listed in the topic catalogue (its derived field `direction`). */
export type Direction = (typeof NETWORK_DIRECTIONS)[number];

/** Private, loopback, link-local and shared address ranges (RFC 1918, 6598, 4193, 3927, 4291). */
const PRIVATE_RANGES = new BlockList();
PRIVATE_RANGES.addSubnet('10.0.0.0', 8, 'ipv4');
PRIVATE_RANGES.addSubnet('172.16.0.0', 12, 'ipv4');
PRIVATE_RANGES.addSubnet('192.168.0.0', 16, 'ipv4');
PRIVATE_RANGES.addSubnet('127.0.0.0', 8, 'ipv4');
PRIVATE_RANGES.addSubnet('169.254.0.0', 16, 'ipv4');
PRIVATE_RANGES.addSubnet('100.64.0.0', 10, 'ipv4');
PRIVATE_RANGES.addAddress('::1', 'ipv6');
PRIVATE_RANGES.addSubnet('fc00::', 7, 'ipv6');
PRIVATE_RANGES.addSubnet('fe80::', 10, 'ipv6');

export function isPrivateAddress(ip: string): boolean {
  return PRIVATE_RANGES.check(ip, ip.includes(':') ? 'ipv6' : 'ipv4');
}

/** Traffic direction from the private address ranges of source and destination. */
export function directionOf(sourceIp: string, destIp?: string): Direction {
  const fromInside = isPrivateAddress(sourceIp);
  if (destIp === undefined) return fromInside ? 'internal' : 'external';
  const toInside = isPrivateAddress(destIp);
  if (fromInside) return toInside ? 'internal' : 'outbound';
  return toInside ? 'inbound' : 'external';
}

export function toNetworkLogDocument(event: KeyedEvent<typeof TOPICS.networkLogs>): RecordDocument {
  const { payload, source, ingestedAt, eventId } = event.envelope;
  let normalized;
  try {
    normalized = normalizeNetworkLog(payload);
  } catch (error) {
    throw new TransformError((error as Error).message);
  }
  return {
    _id: event.key,
    ...normalized,
    direction: directionOf(normalized.sourceIp, normalized.destIp),
    ingestedAt: new Date(ingestedAt),
    source,
    eventId,
  };
}
