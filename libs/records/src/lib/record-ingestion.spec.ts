import { MongoNetworkError, MongoServerError, MongoServerSelectionError, MongoBulkWriteError, BSON } from 'mongodb';
import type { ConsumedMessage, EventProducer, OutgoingRecord } from '@datalake/kafka-core';
import { DLQ_HEADERS, TOPICS, type KeyedEvent } from '@datalake/kafka-schemas';
import { TransformError, type RecordDefinition, type RecordDocument } from './record-definition';
import { ingestBatch } from './record-ingestion';
import { isStorageOutage, type RecordRepository } from './record.repository';

describe('isStorageOutage (by error type, never by message)', () => {
  it.each([
    ['a network error', new MongoNetworkError('connection reset')],
    [
      'no server to select',
      new MongoServerSelectionError('timed out', { type: 'Unknown', servers: new Map() } as never),
    ],
    ['a server error with a transient code', new MongoServerError({ code: 91, errmsg: 'shutting down' })],
  ])('retries %s', (_, error) => expect(isStorageOutage(error)).toBe(true));

  it.each([
    ['a BSON serialization error', new BSON.BSONError('Document is larger than the maximum size')],
    ['a server refusal', new MongoServerError({ code: 2, errmsg: 'bad value' })],
    ['a stack overflow while serializing', new RangeError('Maximum call stack size exceeded')],
  ])('refuses the documents on %s', (_, error) => expect(isStorageOutage(error)).toBe(false));

  it('retries a bulk write whose document errors include a transient one, refuses the others', () => {
    const bulk = (code: number) =>
      new MongoBulkWriteError(
        { message: 'x', code, writeErrors: [{ index: 0, code, errmsg: 'x' }] } as never,
        {} as never,
      );
    expect(isStorageOutage(bulk(11602))).toBe(true);
    expect(isStorageOutage(bulk(121))).toBe(false);
  });

  it('does not judge by message text', () => {
    expect(isStorageOutage(new MongoServerError({ code: 2, errmsg: 'connection refused' }))).toBe(false);
  });
});

describe('ingestBatch refuses per message and throws only for outages', () => {
  const sent: { topic: string; messages: OutgoingRecord[] }[] = [];
  const producer = {
    send: async (topic: string, messages: OutgoingRecord[]) => void sent.push({ topic, messages }),
  } as unknown as EventProducer;
  let stored: RecordDocument[] = [];
  const repository = {
    upsertMany: async (documents: RecordDocument[]) => {
      stored.push(...documents);
      return [];
    },
  } as unknown as RecordRepository;

  const toDocument = (event: KeyedEvent<'social_posts'>): RecordDocument => {
    const text = (event.envelope.payload as { content?: string }).content ?? '';
    if (text === 'refuse') throw new TransformError('refused by the transform');
    if (text === 'overflow') throw new RangeError('Maximum call stack size exceeded');
    return {
      _id: event.key,
      timestamp: new Date(),
      ingestedAt: new Date(),
      source: event.envelope.source,
      eventId: event.envelope.eventId,
    };
  };
  const definition = { topic: TOPICS.socialPosts, toDocument } as unknown as RecordDefinition;

  const post = (id: string, content: string) =>
    JSON.stringify({ postId: id, platform: 'x', author: 'a', content, timestamp: '2026-11-24T10:00:00Z' });
  const message = (offset: number, value: string): ConsumedMessage =>
    ({
      key: null,
      value: Buffer.from(value),
      headers: {},
      offset: String(offset),
      timestamp: '0',
      attributes: 0,
    }) as ConsumedMessage;

  beforeEach(() => {
    sent.length = 0;
    stored = [];
  });

  it('dead-letters TOO_DEEP, TRANSFORM_FAILED and PROCESSING_FAILED, and stores the rest', async () => {
    const deep = post('p-deep', 'x').replace(/}$/, `,"extra":${'['.repeat(6000)}${']'.repeat(6000)}}`);
    const batch = {
      topic: 'social_posts',
      partition: 0,
      offsetLag: 0,
      messages: [
        message(0, post('p-1', 'fine')),
        message(1, deep),
        message(2, post('p-2', 'refuse')),
        message(3, post('p-3', 'overflow')),
        message(4, post('p-4', 'fine')),
      ],
    };
    const outcome = await ingestBatch(batch, definition, repository, producer);
    expect(stored.map((document) => document._id)).toEqual(['x:p-1', 'x:p-4']);
    expect(outcome.deadLettered.map((letter) => letter.error.code)).toEqual([
      'TOO_DEEP',
      'TRANSFORM_FAILED',
      'PROCESSING_FAILED',
    ]);
    expect(sent).toHaveLength(1);
    expect(sent[0].topic).toBe('social_posts.dlq');
    expect(sent[0].messages.map((m) => m.headers?.[DLQ_HEADERS.originalOffset])).toEqual(['1', '2', '3']);
    expect(String(sent[0].messages[2].headers?.[DLQ_HEADERS.errorMessage])).toContain('RangeError');
  });

  it('caps a DLQ copy of an oversize value to the given limit', async () => {
    const batch = { topic: 'social_posts', partition: 0, offsetLag: 0, messages: [message(7, 'x'.repeat(1_048_400))] };
    const outcome = await ingestBatch(batch, definition, repository, producer, { maxMessageBytes: 1024 * 1024 });
    expect(outcome.deadLettered[0].error.code).toBe('TOO_LARGE');
    const copy = sent[0].messages[0];
    expect(copy.headers?.[DLQ_HEADERS.truncated]).toBe('true');
    expect(copy.headers?.[DLQ_HEADERS.originalBytes]).toBe('1048400');
    expect(copy.value.length).toBeLessThan(1_048_400);
  });

  it('throws when storage is unreachable, so the batch is retried', async () => {
    const down = {
      upsertMany: async () => Promise.reject(new MongoNetworkError('gone')),
    } as unknown as RecordRepository;
    const batch = { topic: 'social_posts', partition: 0, offsetLag: 0, messages: [message(0, post('p-1', 'fine'))] };
    await expect(ingestBatch(batch, definition, down, producer)).rejects.toBeInstanceOf(MongoNetworkError);
    expect(sent).toHaveLength(0);
  });
});
