export * from './internal-calls';
