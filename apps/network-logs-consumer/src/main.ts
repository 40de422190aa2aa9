import { runRecordService } from '@datalake/records';
import { networkLogsDefinition } from './app/network-logs.definition';

void runRecordService({
  service: 'network-logs-consumer',
  definition: networkLogsDefinition,
  portVariable: 'NETWORK_LOGS_PORT',
  managementPortVariable: 'NETWORK_LOGS_MANAGEMENT_PORT',
  defaultManagementPort: 9011,
  defaultPort: 3011,
});
