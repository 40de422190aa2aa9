import { runRecordService } from '@datalake/records';
import { transactionsDefinition } from './app/transactions.definition';

void runRecordService({
  service: 'transactions-consumer',
  definition: transactionsDefinition,
  portVariable: 'TRANSACTIONS_PORT',
  managementPortVariable: 'TRANSACTIONS_MANAGEMENT_PORT',
  defaultManagementPort: 9013,
  defaultPort: 3013,
});
