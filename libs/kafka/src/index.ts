export * from './lib/kafka-client';
export * from './lib/topic-admin';
export * from './lib/event-producer';
export * from './lib/dead-letter';
export * from './lib/consumer-settings';
export * from './lib/partition-progress';
export * from './lib/batch-consumer';
export * from './lib/nest/kafka.module';
