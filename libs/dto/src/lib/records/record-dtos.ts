import type { Topic } from '@datalake/kafka-schemas';
import {
  type ListQueryDto,
  NetworkLogListQueryDto,
  SocialPostListQueryDto,
  TransactionListQueryDto,
} from './list-query.dto';
import { NetworkLogUpdateDto, SocialPostUpdateDto, TransactionUpdateDto, type RecordUpdate } from './update.dto';

/** The request DTOs of one record resource. */
export interface RecordDtos {
  listQuery: new () => ListQueryDto;
  updateBody: new () => RecordUpdate;
}

/** Per topic, the DTOs the gateway and the owning service validate the same requests with. */
export const RECORD_DTOS: Readonly<Record<Topic, RecordDtos>> = {
  network_logs: { listQuery: NetworkLogListQueryDto, updateBody: NetworkLogUpdateDto },
  social_posts: { listQuery: SocialPostListQueryDto, updateBody: SocialPostUpdateDto },
  transactions: { listQuery: TransactionListQueryDto, updateBody: TransactionUpdateDto },
};
