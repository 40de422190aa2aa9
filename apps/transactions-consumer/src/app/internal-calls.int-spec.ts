import { describeInternalCalls } from '@datalake/records/testing';
import { transactionsDefinition } from './transactions.definition';

// Every route of this service refuses calls without a valid internal token (see describeInternalCalls).
describeInternalCalls('transactions-consumer', transactionsDefinition);
