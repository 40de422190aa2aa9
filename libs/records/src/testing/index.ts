export * from './internal-calls';
export * from './record-service-under-test';
