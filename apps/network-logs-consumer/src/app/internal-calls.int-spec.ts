import { describeInternalCalls } from '@datalake/records/testing';
import { networkLogsDefinition } from './network-logs.definition';

// Every route of this service refuses calls without a valid internal token (see describeInternalCalls).
describeInternalCalls('network-logs-consumer', networkLogsDefinition);
