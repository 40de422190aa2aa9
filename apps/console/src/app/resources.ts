/**
 * What the console shows of each record type: the list columns, the list filters (the public
 * API's query parameters), the fields an admin may change (the catalogue's `mutable` fields, the
 * ones PUT accepts) and the integer fields (for typing CSV columns before ingestion).
 */

export type ResourceName = 'transactions' | 'social-posts' | 'network-logs';
export type TopicName = 'transactions' | 'social_posts' | 'network_logs';

export interface EditableField {
  name: string;
  kind: 'text' | 'integer' | 'choice';
  choices?: readonly string[];
}

export interface ResourceView {
  resource: ResourceName;
  topic: TopicName;
  /** The navigation link's text and the page heading. */
  title: string;
  singular: string;
  columns: readonly string[];
  filters: readonly string[];
  editable: readonly EditableField[];
  integerFields: readonly string[];
}

export const RESOURCES: readonly ResourceView[] = [
  {
    resource: 'transactions',
    topic: 'transactions',
    title: 'Transactions',
    singular: 'transaction',
    columns: ['timestamp', 'transactionId', 'customerId', 'amount', 'currency', 'status', 'merchant', 'source'],
    filters: ['transactionId', 'customerId', 'status', 'currency', 'minAmount', 'maxAmount'],
    editable: [
      { name: 'merchant', kind: 'text' },
      { name: 'category', kind: 'text' },
      { name: 'status', kind: 'choice', choices: ['pending', 'completed', 'failed', 'refunded'] },
      { name: 'paymentMethod', kind: 'text' },
    ],
    integerFields: [],
  },
  {
    resource: 'social-posts',
    topic: 'social_posts',
    title: 'Social posts',
    singular: 'social post',
    columns: ['timestamp', 'platform', 'postId', 'author', 'content', 'likes', 'shares', 'source'],
    filters: ['postId', 'platform', 'author', 'hashtag'],
    editable: [
      { name: 'content', kind: 'text' },
      { name: 'likes', kind: 'integer' },
      { name: 'shares', kind: 'integer' },
      { name: 'lang', kind: 'text' },
    ],
    integerFields: ['likes', 'shares'],
  },
  {
    resource: 'network-logs',
    topic: 'network_logs',
    title: 'Network logs',
    singular: 'network log',
    columns: ['timestamp', 'sourceIp', 'destIp', 'protocol', 'action', 'host', 'severity', 'message', 'source'],
    filters: ['sourceIp', 'destIp', 'protocol', 'action', 'host', 'severity'],
    editable: [
      { name: 'action', kind: 'text' },
      { name: 'host', kind: 'text' },
      { name: 'severity', kind: 'text' },
      { name: 'message', kind: 'text' },
    ],
    integerFields: ['sourcePort', 'destPort', 'bytes'],
  },
];

export const resourceByName = (name: string) => RESOURCES.find((view) => view.resource === name);
export const resourceByTopic = (topic: string) => RESOURCES.find((view) => view.topic === topic);

/** A record as the API answers it: id, ingestedAt, source and the type's fields. */
export type ApiRecord = Record<string, unknown> & { id: string };

export interface RecordPage {
  items: ApiRecord[];
  nextCursor: string | null;
}

/** A cell's text: the source as `kind:name`, arrays joined, objects as JSON. */
export function cellText(record: Record<string, unknown>, column: string): string {
  const value = record[column];
  if (value === undefined || value === null) return '';
  if (column === 'source' && typeof value === 'object') {
    const source = value as { kind?: string; name?: string };
    return [source.kind, source.name].filter(Boolean).join(':');
  }
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
