import { messageSize, RECORD_BATCH_OVERHEAD_BYTES, type OutgoingRecord } from '@datalake/kafka-core';
import type { PinoLogger } from 'nestjs-pino';

/** Unit-test stand-in for EventProducer: records what is sent; `failWith` builds the next send's error. */
export class RecordingProducer {
  sent: { topic: string; messages: OutgoingRecord[] }[] = [];
  failWith?: (messages: OutgoingRecord[]) => Error;
  maxMessageBytes = 1_048_576;
  sizeOf = messageSize;
  fits(message: OutgoingRecord): boolean {
    return RECORD_BATCH_OVERHEAD_BYTES + messageSize(message) <= this.maxMessageBytes;
  }
  async send(topic: string, messages: OutgoingRecord[]): Promise<void> {
    if (this.failWith) throw this.failWith(messages);
    this.sent.push({ topic, messages });
  }
}

export const silentLogger = {
  setContext: () => undefined,
  info: () => undefined,
  warn: () => undefined,
} as unknown as PinoLogger;
