import type { Type } from '@nestjs/common';
import {
  type ListQueryDto,
  NetworkLogListQueryDto,
  NetworkLogUpdateDto,
  SocialPostListQueryDto,
  SocialPostUpdateDto,
  TransactionListQueryDto,
  TransactionUpdateDto,
} from '@datalake/dto';
import type { UpstreamName } from '../upstream/upstreams';

/** A record resource of the public API and the service that owns it. */
export interface RecordResource {
  resource: string;
  title: string;
  upstream: UpstreamName;
  listQuery: Type<ListQueryDto>;
  updateBody: Type<object>;
}

export const RECORD_RESOURCES: readonly RecordResource[] = [
  {
    resource: 'network-logs',
    title: 'network log',
    upstream: 'network-logs-consumer',
    listQuery: NetworkLogListQueryDto,
    updateBody: NetworkLogUpdateDto,
  },
  {
    resource: 'social-posts',
    title: 'social media post',
    upstream: 'social-posts-consumer',
    listQuery: SocialPostListQueryDto,
    updateBody: SocialPostUpdateDto,
  },
  {
    resource: 'transactions',
    title: 'customer transaction',
    upstream: 'transactions-consumer',
    listQuery: TransactionListQueryDto,
    updateBody: TransactionUpdateDto,
  },
];
