import type { Type } from '@nestjs/common';
import {
  NetworkLogPageDto,
  NetworkLogRecordDto,
  SocialPostPageDto,
  SocialPostRecordDto,
  TransactionPageDto,
  TransactionRecordDto,
} from '@datalake/dto';

/** The OpenAPI side of a record resource: its response schemas and the names of its operations. */
export interface RecordSchemas {
  /** Singular name in operationIds: `getTransaction`, `updateTransaction`. */
  singular: string;
  /** Plural name in operationIds: `listTransactions`. */
  plural: string;
  record: Type;
  page: Type;
}

/** Kept beside RECORD_RESOURCES (keyed by resource) until the topic catalogue provides both. */
const RECORD_SCHEMAS: Readonly<Record<string, RecordSchemas>> = {
  'network-logs': { singular: 'NetworkLog', plural: 'NetworkLogs', record: NetworkLogRecordDto, page: NetworkLogPageDto },
  'social-posts': { singular: 'SocialPost', plural: 'SocialPosts', record: SocialPostRecordDto, page: SocialPostPageDto },
  transactions: { singular: 'Transaction', plural: 'Transactions', record: TransactionRecordDto, page: TransactionPageDto },
};

/** A resource without schemas fails at start (and in the OpenAPI tests), never documents itself untyped. */
export function recordSchemasOf(resource: string): RecordSchemas {
  const schemas = RECORD_SCHEMAS[resource];
  if (!schemas) throw new Error(`no response schemas for record resource ${resource}: add them to record-schemas.ts`);
  return schemas;
}
