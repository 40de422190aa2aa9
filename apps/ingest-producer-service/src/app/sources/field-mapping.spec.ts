import { ALL_TOPICS, catalogueOf, createEvent, mapTopics, TOPICS, type Topic } from '@datalake/kafka-schemas';
import { fieldForColumn, mapColumns, rowToRecord, TOPIC_FIELDS } from './field-mapping';

/** Per topic, a record with every field set: the catalogue's per-field examples, CSV-like for the known ones. */
const VALID: Record<Topic, Record<string, unknown>> = {
  ...mapTopics((topic) => Object.fromEntries(catalogueOf(topic).fields.map((field) => [field.name, field.example]))),
  transactions: {
    transactionId: 'tx-1',
    customerId: 'c-1',
    amount: '12.50',
    currency: 'EUR',
    timestamp: '2026-11-24T10:00:00Z',
    merchant: 'Shop',
    category: 'food',
    status: 'completed',
    paymentMethod: 'card',
    cardNumber: '4111111111111111',
  },
  social_posts: {
    postId: 'p-1',
    platform: 'twitter',
    author: 'alice',
    content: 'hi #there',
    timestamp: '2026-11-24T10:00:00Z',
    likes: '3',
    shares: '1',
    lang: 'en',
  },
  network_logs: {
    timestamp: '2026-11-24T10:00:00Z',
    sourceIp: '10.0.0.1',
    destIp: '203.0.113.9',
    sourcePort: '5555',
    destPort: '443',
    protocol: 'tcp',
    action: 'allow',
    bytes: '100',
    host: 'fw',
    severity: 'info',
    facility: 'kern',
    app: 'fw',
    message: 'ok',
  },
};

describe('field mapping', () => {
  describe('TOPIC_FIELDS', () => {
    it.each(ALL_TOPICS)('lists exactly the fields the %s payload requires', (topic) => {
      const source = { kind: 'file' as const, name: 'spec' };
      expect(createEvent(topic, VALID[topic], source).ok).toBe(true);
      for (const field of TOPIC_FIELDS[topic].required) {
        const { [field]: _dropped, ...without } = VALID[topic];
        expect({ field, ok: createEvent(topic, without, source).ok }).toEqual({ field, ok: false });
      }
      for (const field of TOPIC_FIELDS[topic].optional) {
        const { [field]: _dropped, ...without } = VALID[topic];
        expect({ field, ok: createEvent(topic, without, source).ok }).toEqual({ field, ok: true });
      }
    });
  });

  describe(fieldForColumn.name, () => {
    it.each([
      ['transactionId', 'transactionId'],
      ['transaction_id', 'transactionId'],
      ['Transaction ID', 'transactionId'],
      ['TRANSACTION-ID', 'transactionId'],
      ['\uFEFFtransaction_id', 'transactionId'],
      ['payment_method', 'paymentMethod'],
      ['txid', 'transactionId'],
      ['ts', 'timestamp'],
      ['unknown_column', undefined],
    ])('maps the transactions column %j to %j', (column, field) => {
      expect(fieldForColumn(TOPICS.transactions, column)).toBe(field);
    });

    it('uses an alias only where the topic has that field', () => {
      expect(fieldForColumn(TOPICS.networkLogs, 'src_ip')).toBe('sourceIp');
      expect(fieldForColumn(TOPICS.socialPosts, 'user')).toBe('author');
      expect(fieldForColumn(TOPICS.transactions, 'src_ip')).toBeUndefined();
    });
  });

  describe(mapColumns.name, () => {
    it('names missing required fields and ignored columns', () => {
      const sut = mapColumns(TOPICS.transactions, ['transaction_id', 'amount', 'notes', 'currency']);
      expect(sut.fields).toEqual(['transactionId', 'amount', undefined, 'currency']);
      expect(sut.missing).toEqual(['customerId', 'timestamp']);
      expect(sut.ignored).toEqual(['notes']);
    });

    it('keeps the first of two columns for one field', () => {
      const sut = mapColumns(TOPICS.networkLogs, ['timestamp', 'source_ip', 'src_ip']);
      expect(sut.fields).toEqual(['timestamp', 'sourceIp', undefined]);
      expect(sut.ignored).toEqual(['src_ip']);
    });
  });

  describe(rowToRecord.name, () => {
    it('leaves empty and null cells out and ignores unmapped columns', () => {
      expect(rowToRecord(['a', undefined, 'b', 'c', 'd'], ['1', 'x', '', null, 0])).toEqual({ a: '1', d: 0 });
    });
  });
});
