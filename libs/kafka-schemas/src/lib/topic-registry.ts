import { networkLogsTopic } from './network-logs/network-logs.topic';
import { socialPostsTopic } from './social-posts/social-posts.topic';
import { transactionsTopic } from './transactions/transactions.topic';

/**
 * Every topic folder, once. A new data type is a folder `<topic>/` with its catalogue, payload
 * class and `<topic>.topic.ts`, listed here (the record-service generator adds the line).
 */
export const TOPIC_DEFINITIONS = [
  networkLogsTopic,
  socialPostsTopic,
  transactionsTopic,
  // @datalake/tools:record-service inserts new topics above this line
] as const;

export type TopicDefinitionEntry = (typeof TOPIC_DEFINITIONS)[number];
