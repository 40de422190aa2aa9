import type { TopicDefinition } from '../catalogue/topic-definition';
import { SocialPostPayload, socialPostKey } from './social-post.payload';
import { socialPostsCatalogue } from './social-posts.catalogue';

export const socialPostsTopic = {
  catalogue: socialPostsCatalogue,
  payloadClass: SocialPostPayload,
  naturalKey: socialPostKey,
} satisfies TopicDefinition<SocialPostPayload>;
