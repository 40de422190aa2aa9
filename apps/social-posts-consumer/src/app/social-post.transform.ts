import { parseTimestamp, type KeyedEvent, type TOPICS } from '@datalake/kafka-schemas';
import { TransformError, type RecordDocument } from '@datalake/records';

const URL_PATTERN = /https?:\/\/[^\s<>"']+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}'"]+$/;
const HASHTAG = /(?:^|[^\p{L}\p{N}_&#])#([\p{L}\p{N}_]{1,100})/gu;
const MENTION = /(?:^|[^\p{L}\p{N}_.@])@([A-Za-z0-9_]{1,50})/gu;

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** Hashtags and mentions (lower-case, without `#`/`@`) and URLs found in a post's text. */
export function extractEntities(content: string): { hashtags: string[]; mentions: string[]; urls: string[] } {
  const urls = unique((content.match(URL_PATTERN) ?? []).map((url) => url.replace(TRAILING_PUNCTUATION, '')));
  // URLs are blanked first so that `https://x.io/#top` yields no hashtag.
  const text = content.replace(URL_PATTERN, ' ');
  const hashtags = unique([...text.matchAll(HASHTAG)].map((match) => match[1].toLowerCase()));
  const mentions = unique([...text.matchAll(MENTION)].map((match) => match[1].toLowerCase()));
  return { hashtags, mentions, urls };
}

export function toSocialPostDocument(event: KeyedEvent<typeof TOPICS.socialPosts>): RecordDocument {
  const { payload, source, ingestedAt, eventId } = event.envelope;
  const timestamp = parseTimestamp(payload.timestamp);
  if (!timestamp) throw new TransformError('timestamp cannot be read');
  const document: RecordDocument = {
    _id: event.key,
    postId: payload.postId,
    platform: payload.platform.toLowerCase(),
    author: payload.author,
    content: payload.content,
    timestamp,
    likes: payload.likes ?? 0,
    shares: payload.shares ?? 0,
    ...extractEntities(payload.content),
    ingestedAt: new Date(ingestedAt),
    source,
    eventId,
  };
  if (payload.lang !== undefined) document['lang'] = payload.lang.toLowerCase();
  return document;
}
