import { RECORD_DTOS } from '@datalake/dto';
import { TOPIC_CATALOGUE, TOPICS } from '@datalake/kafka-schemas';
import type { RecordDefinition } from '@datalake/records';
import { extractEntities, toSocialPostDocument } from './social-post.transform';

const catalogue = TOPIC_CATALOGUE[TOPICS.socialPosts];
const byTime = { timestamp: -1, _id: -1 } as const;

export const socialPostsDefinition: RecordDefinition<typeof TOPICS.socialPosts> = {
  // topic, resource path, database and collection: the topic catalogue (DESIGN.md's table)
  topic: catalogue.topic,
  resource: catalogue.resource,
  database: catalogue.database,
  collection: catalogue.collection,
  toDocument: toSocialPostDocument,
  ...RECORD_DTOS[TOPICS.socialPosts],
  filters: {
    postId: (value) => ({ postId: value }),
    platform: (value) => ({ platform: value.toLowerCase() }),
    author: (value) => ({ author: value }),
    hashtag: (value) => ({ hashtags: value.replace(/^#/, '').toLowerCase() }),
  },
  narrowFilters: ['postId', 'author'],
  applyUpdate: (_current, patch) => {
    const changes: Record<string, unknown> = { ...patch };
    if (typeof patch['content'] === 'string') Object.assign(changes, extractEntities(patch['content']));
    if (typeof patch['lang'] === 'string') changes['lang'] = patch['lang'].toLowerCase();
    return changes;
  },
  indexes: [
    { key: { platform: 1, postId: 1 }, name: 'platform_postId' },
    { key: { postId: 1 }, name: 'postId' },
    { key: { author: 1, ...byTime }, name: 'author_time' },
    { key: { hashtags: 1, ...byTime }, name: 'hashtags_time' },
  ],
  stats: {
    counts: { byPlatform: 'platform' },
    tops: { topHashtags: 'hashtags', topMentions: 'mentions' },
  },
};
