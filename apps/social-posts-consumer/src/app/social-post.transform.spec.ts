import { createEvent, TOPICS } from '@datalake/kafka-schemas';
import { extractEntities, toSocialPostDocument } from './social-post.transform';

describe('extractEntities', () => {
  it('finds hashtags and mentions lower-case without # or @, and URLs', () => {
    expect(extractEntities('Loving #DataLake and #Kafka with @Alice_1 and @bob! https://example.com/x?y=1.')).toEqual({
      hashtags: ['datalake', 'kafka'],
      mentions: ['alice_1', 'bob'],
      urls: ['https://example.com/x?y=1'],
    });
  });

  it('returns empty lists for a post without tags', () => {
    expect(extractEntities('just words')).toEqual({ hashtags: [], mentions: [], urls: [] });
  });

  it('ignores e-mail addresses, URL fragments and repeated tags', () => {
    expect(extractEntities('mail me at a@b.com, see http://x.io/#top #Go #go #GO')).toEqual({
      hashtags: ['go'],
      mentions: [],
      urls: ['http://x.io/#top'],
    });
  });

  it('keeps non-Latin hashtags', () => {
    expect(extractEntities('#données #東京').hashtags).toEqual(['données', '東京']);
  });
});

describe('toSocialPostDocument', () => {
  it('keys by platform and post id and derives entities', () => {
    const event = createEvent(
      TOPICS.socialPosts,
      { postId: 7, platform: 'Mastodon', author: 'ann', content: 'hi #Tag', timestamp: 1764000000000, lang: 'EN' },
      { kind: 'http', name: 't' },
    );
    if (!event.ok) throw new Error(event.error.message);
    expect(toSocialPostDocument(event.value)).toMatchObject({
      _id: 'mastodon:7',
      platform: 'mastodon',
      postId: '7',
      hashtags: ['tag'],
      likes: 0,
      shares: 0,
      lang: 'en',
    });
  });
});
