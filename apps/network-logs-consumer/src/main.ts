import { runRecordService } from '@datalake/records';
import { networkLogsDefinition } from './app/network-logs.definition';

void runRecordService({
  service: 'network-logs-consumer',
  definition: networkLogsDefinition,
  portVariable: 'NETWORK_LOGS_PORT',
  defaultPort: 3011,
});
