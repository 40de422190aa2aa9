import type { TopicDefinition } from '../catalogue/topic-definition';
import { networkLogKey } from './network-log.normalize';
import { NetworkLogPayload } from './network-log.payload';
import { networkLogsCatalogue } from './network-logs.catalogue';

export const networkLogsTopic = {
  catalogue: networkLogsCatalogue,
  payloadClass: NetworkLogPayload,
  naturalKey: networkLogKey,
} satisfies TopicDefinition<NetworkLogPayload>;
