export * from './dead-letter-entry';
export * from './dead-letter.repository';
export * from './dead-letter-indexer';
export * from './dead-letter-replay';
export * from './dead-letters.service';
export * from './dead-letters.controller';
