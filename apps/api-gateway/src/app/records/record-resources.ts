import type { Type } from '@nestjs/common';
import { type ListQueryDto, RECORD_DTOS } from '@datalake/dto';
import { ALL_TOPICS, catalogueOf, type Topic } from '@datalake/kafka-schemas';
import type { UpstreamName } from '../upstream/upstreams';

/** A record resource of the public API and the service that owns it. */
export interface RecordResource {
  topic: Topic;
  resource: string;
  title: string;
  upstream: UpstreamName;
  listQuery: Type<ListQueryDto>;
  updateBody: Type<object>;
}

/** One resource per topic: path, title and owning service from the topic catalogue, DTOs from libs/dto. */
export const RECORD_RESOURCES: readonly RecordResource[] = ALL_TOPICS.map((topic) => {
  const { resource, title, service } = catalogueOf(topic);
  return { topic, resource, title, upstream: service as UpstreamName, ...RECORD_DTOS[topic] };
});
