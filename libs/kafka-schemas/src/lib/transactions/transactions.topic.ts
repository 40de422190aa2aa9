import type { TopicDefinition } from '../catalogue/topic-definition';
import { TransactionPayload, transactionKey } from './transaction.payload';
import { transactionsCatalogue } from './transactions.catalogue';

export const transactionsTopic = {
  catalogue: transactionsCatalogue,
  payloadClass: TransactionPayload,
  naturalKey: transactionKey,
} satisfies TopicDefinition<TransactionPayload>;
