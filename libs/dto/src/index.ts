export * from './lib/records/list-query.dto';
export * from './lib/records/update.dto';
export * from './lib/records/record-page.dto';
export * from './lib/ingest/ingest-result.dto';
