export * from './lib/test-infra';
export * from './lib/wait-for';
export * from './lib/service-process';
export * from './lib/tcp-proxy';
export * from './lib/local-infra-control';
export * from './lib/delivery-tally';
export * from './lib/service-table';
export * from './lib/internal-token';
