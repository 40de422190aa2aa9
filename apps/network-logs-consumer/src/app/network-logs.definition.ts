import { RECORD_DTOS } from '@datalake/dto';
import { normalizeIp, normalizeSeverity, TOPIC_CATALOGUE, TOPICS } from '@datalake/kafka-schemas';
import type { RecordDefinition } from '@datalake/records';
import { toNetworkLogDocument } from './network-log.transform';

const catalogue = TOPIC_CATALOGUE[TOPICS.networkLogs];
const byTime = { timestamp: -1, _id: -1 } as const;

export const networkLogsDefinition: RecordDefinition<typeof TOPICS.networkLogs> = {
  // topic, resource path, database and collection: the topic catalogue (DESIGN.md's table)
  topic: catalogue.topic,
  resource: catalogue.resource,
  database: catalogue.database,
  collection: catalogue.collection,
  toDocument: toNetworkLogDocument,
  ...RECORD_DTOS[TOPICS.networkLogs],
  filters: {
    sourceIp: (value) => ({ sourceIp: normalizeIp(value) ?? value }),
    destIp: (value) => ({ destIp: normalizeIp(value) ?? value }),
    protocol: (value) => ({ protocol: value.toUpperCase() }),
    action: (value) => ({ action: value.toLowerCase() }),
    host: (value) => ({ host: value.toLowerCase() }),
    severity: (value) => ({ severity: normalizeSeverity(value) ?? value }),
  },
  narrowFilters: ['sourceIp', 'destIp'],
  applyUpdate: (_current, patch) => {
    const changes: Record<string, unknown> = { ...patch };
    if (typeof patch['action'] === 'string') changes['action'] = patch['action'].toLowerCase();
    if (typeof patch['host'] === 'string') changes['host'] = patch['host'].toLowerCase();
    if (patch['severity'] !== undefined) changes['severity'] = normalizeSeverity(patch['severity']);
    return changes;
  },
  indexes: [
    { key: { sourceIp: 1, ...byTime }, name: 'sourceIp_time' },
    { key: { destIp: 1, ...byTime }, name: 'destIp_time' },
    { key: { protocol: 1, ...byTime }, name: 'protocol_time' },
    { key: { action: 1, ...byTime }, name: 'action_time' },
    { key: { host: 1, ...byTime }, name: 'host_time' },
    { key: { severity: 1, ...byTime }, name: 'severity_time' },
  ],
  stats: {
    counts: { byDirection: 'direction', byAction: 'action', bySeverity: 'severity' },
    tops: { topSourceIps: 'sourceIp', topHosts: 'host' },
  },
};
