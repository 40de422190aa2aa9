export * from './lib/kafka.module';
export * from './lib/kafka-batch.transport';
