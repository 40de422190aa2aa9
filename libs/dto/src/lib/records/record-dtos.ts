import { catalogueOf, mapTopics, type Topic } from '@datalake/kafka-schemas';
import {
  ListQueryDto,
  NetworkLogListQueryDto,
  SocialPostListQueryDto,
  TransactionListQueryDto,
} from './list-query.dto';
import { type RecordUpdate, updateDtoOf } from './update.dto';
import { exportQueryDtoOf } from './stats-export.dto';

/** The request DTOs of one record resource. */
export interface RecordDtos {
  listQuery: new () => ListQueryDto;
  updateBody: new () => RecordUpdate;
  /** The list filters plus `format` (`GET /<resource>/export`). */
  exportQuery: new () => ListQueryDto;
}

/** List query DTOs with per-resource filters; a topic without one lists with paging and from/to only. */
const LIST_QUERIES: Partial<Record<Topic, new () => ListQueryDto>> = {
  network_logs: NetworkLogListQueryDto,
  social_posts: SocialPostListQueryDto,
  transactions: TransactionListQueryDto,
};

/** Per topic, the DTOs the gateway and the owning service validate the same requests with. */
export const RECORD_DTOS: Readonly<Record<Topic, RecordDtos>> = mapTopics((topic) => ({
  listQuery: LIST_QUERIES[topic] ?? ListQueryDto,
  updateBody: updateDtoOf(topic),
  exportQuery: exportQueryDtoOf(LIST_QUERIES[topic] ?? ListQueryDto, catalogueOf(topic).typeName),
}));
