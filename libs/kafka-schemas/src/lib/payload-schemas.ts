import type { ClassConstructor } from 'class-transformer';
import { networkLogKey } from './network-logs/network-log.normalize';
import { NetworkLogPayload } from './network-logs/network-log.payload';
import { SocialPostPayload, socialPostKey } from './social-posts/social-post.payload';
import { TOPICS, type Topic } from './topics';
import { TransactionPayload, transactionKey } from './transactions/transaction.payload';

export interface PayloadSchema<P extends object> {
  /** Value of the envelope's `schema` field. */
  schema: string;
  payloadClass: ClassConstructor<P>;
  naturalKey: (payload: P) => string;
}

/** One entry per topic: payload class, schema name and natural key. */
export const PAYLOAD_SCHEMAS = {
  [TOPICS.networkLogs]: {
    schema: 'network_logs.v1',
    payloadClass: NetworkLogPayload,
    naturalKey: networkLogKey,
  } satisfies PayloadSchema<NetworkLogPayload>,
  [TOPICS.socialPosts]: {
    schema: 'social_posts.v1',
    payloadClass: SocialPostPayload,
    naturalKey: socialPostKey,
  } satisfies PayloadSchema<SocialPostPayload>,
  [TOPICS.transactions]: {
    schema: 'transactions.v1',
    payloadClass: TransactionPayload,
    naturalKey: transactionKey,
  } satisfies PayloadSchema<TransactionPayload>,
} as const;

/** The payload type a topic carries, so a handler cannot drift from its topic. */
export type PayloadOf<T extends Topic> = InstanceType<(typeof PAYLOAD_SCHEMAS)[T]['payloadClass']>;

export function payloadSchemaOf<T extends Topic>(topic: T): PayloadSchema<PayloadOf<T>> {
  return PAYLOAD_SCHEMAS[topic] as unknown as PayloadSchema<PayloadOf<T>>;
}
