import { TOPICS, type Topic } from '@datalake/kafka-schemas';

/** Input fields of each topic's payload (DESIGN.md "Event contract"); `required` ones must be columns. */
export const TOPIC_FIELDS: Readonly<Record<Topic, { required: readonly string[]; optional: readonly string[] }>> = {
  [TOPICS.transactions]: {
    required: ['transactionId', 'customerId', 'amount', 'currency', 'timestamp'],
    optional: ['merchant', 'category', 'status', 'paymentMethod', 'cardNumber'],
  },
  [TOPICS.socialPosts]: {
    required: ['postId', 'platform', 'author', 'content', 'timestamp'],
    optional: ['likes', 'shares', 'lang'],
  },
  [TOPICS.networkLogs]: {
    required: ['timestamp', 'sourceIp'],
    optional: ['destIp', 'sourcePort', 'destPort', 'protocol', 'action', 'bytes', 'host', 'severity', 'facility', 'app', 'message'],
  },
};

/** Common column names of exports that mean one of our fields. */
const ALIASES: Readonly<Record<string, string>> = {
  srcip: 'sourceIp', srcaddr: 'sourceIp', src: 'sourceIp', clientip: 'sourceIp',
  dstip: 'destIp', dstaddr: 'destIp', dst: 'destIp', destinationip: 'destIp',
  srcport: 'sourcePort', dstport: 'destPort', destinationport: 'destPort',
  ts: 'timestamp', time: 'timestamp', datetime: 'timestamp', eventtime: 'timestamp', createdat: 'timestamp', occurredat: 'timestamp',
  hostname: 'host', level: 'severity', msg: 'message', proto: 'protocol',
  txid: 'transactionId', txnid: 'transactionId', customer: 'customerId',
  user: 'author', username: 'author', text: 'content', body: 'content', language: 'lang',
};

const squash = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * Maps a column name to the payload field it holds, case- and separator-insensitively
 * (`transaction_id`, `Transaction ID` and `transactionId` are one field), or undefined.
 */
export function fieldForColumn(topic: Topic, column: string): string | undefined {
  const { required, optional } = TOPIC_FIELDS[topic];
  const key = squash(column.replace(/^\uFEFF/, ''));
  const field = [...required, ...optional].find((candidate) => squash(candidate) === key);
  if (field) return field;
  const alias = ALIASES[key];
  return alias && (required.includes(alias) || optional.includes(alias)) ? alias : undefined;
}

export interface ColumnMapping {
  /** The field each column position fills, or undefined for an ignored column. */
  fields: (string | undefined)[];
  missing: string[];
  ignored: string[];
}

/**
 * Resolves a header row; `missing` names the required fields no column provides. `overrides`
 * (column → field, from configuration) wins over the name-based matching.
 */
export function mapColumns(topic: Topic, header: readonly string[], overrides: Readonly<Record<string, string>> = {}): ColumnMapping {
  const seen = new Set<string>();
  const ignored: string[] = [];
  const fields = header.map((column) => {
    const field = fieldForColumn(topic, Object.hasOwn(overrides, column) ? overrides[column] : column);
    // A repeated field keeps its first column, so a row cannot silently swap values.
    if (!field || seen.has(field)) {
      if (column.trim() !== '') ignored.push(column);
      return undefined;
    }
    seen.add(field);
    return field;
  });
  const missing = TOPIC_FIELDS[topic].required.filter((field) => !seen.has(field));
  return { fields, missing, ignored };
}

/** Builds the input record of one row; empty cells are left out, as absent values. */
export function rowToRecord(fields: readonly (string | undefined)[], values: readonly unknown[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    const value = values[i];
    if (field === undefined || value === undefined || value === null || value === '') continue;
    record[field] = value;
  }
  return record;
}
