import { runRecordService } from '@datalake/records';
import { transactionsDefinition } from './app/transactions.definition';

void runRecordService({
  service: 'transactions-consumer',
  definition: transactionsDefinition,
  portVariable: 'TRANSACTIONS_PORT',
  defaultPort: 3013,
});
