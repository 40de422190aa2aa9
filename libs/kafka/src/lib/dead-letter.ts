import type { IHeaders, KafkaMessage } from 'kafkajs';
import { DLQ_HEADERS, type SchemaError } from '@datalake/kafka-schemas';
import type { EventProducer, OutgoingMessage } from './event-producer';

export interface DeadLetter {
  message: KafkaMessage;
  partition: number;
  error: SchemaError;
}

/** Builds the DLQ copy of a message: original key, value and headers plus why and where from. */
export function toDeadLetterMessage(topic: string, letter: DeadLetter, failedAt = new Date()): OutgoingMessage {
  const headers: IHeaders = {
    ...(letter.message.headers ?? {}),
    [DLQ_HEADERS.errorCode]: letter.error.code,
    [DLQ_HEADERS.errorMessage]: letter.error.message.slice(0, 2000),
    [DLQ_HEADERS.originalTopic]: topic,
    [DLQ_HEADERS.originalPartition]: String(letter.partition),
    [DLQ_HEADERS.originalOffset]: letter.message.offset,
    [DLQ_HEADERS.failedAt]: failedAt.toISOString(),
  };
  return { key: letter.message.key, value: letter.message.value ?? Buffer.alloc(0), headers };
}

/** Sends refused messages to `<topic>.dlq`; waits for Kafka's acknowledgement like any produce. */
export async function publishDeadLetters(
  producer: EventProducer,
  topic: string,
  letters: DeadLetter[],
): Promise<void> {
  if (letters.length === 0) return;
  const failedAt = new Date();
  await producer.send(`${topic}.dlq`, letters.map((letter) => toDeadLetterMessage(topic, letter, failedAt)));
}
