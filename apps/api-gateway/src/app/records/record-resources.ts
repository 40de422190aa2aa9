import type { Type } from '@nestjs/common';
import { type ListQueryDto, RECORD_DTOS, recordDtoOf, recordPageDtoOf } from '@datalake/dto';
import { ALL_TOPICS, catalogueOf, type Topic, topicTypeName } from '@datalake/kafka-schemas';
import type { UpstreamName } from '../upstream/upstreams';

/** A record resource of the public API and the service that owns it. */
export interface RecordResource {
  topic: Topic;
  resource: string;
  title: string;
  upstream: UpstreamName;
  listQuery: Type<ListQueryDto>;
  updateBody: Type<object>;
  /** The list filters plus `format` (`GET /<resource>/export`). */
  exportQuery: Type<ListQueryDto>;
  /** Response schemas: one record, and a page of the listing. */
  record: Type;
  page: Type;
  /** Names in operationIds: `getTransaction`, `updateTransaction`; `listTransactions`. */
  singular: string;
  plural: string;
}

/** One resource per topic: path, title, owning service and names from the topic catalogue, DTOs from libs/dto. */
export const RECORD_RESOURCES: readonly RecordResource[] = ALL_TOPICS.map((topic) => {
  const { resource, title, service, typeName } = catalogueOf(topic);
  const responses = {
    record: recordDtoOf(topic),
    page: recordPageDtoOf(topic),
    singular: typeName,
    plural: topicTypeName(topic),
  };
  return { topic, resource, title, upstream: service as UpstreamName, ...RECORD_DTOS[topic], ...responses };
});
