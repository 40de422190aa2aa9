import { IsInt, IsString, Max, Min } from 'class-validator';
import { DataServiceEnv } from '@datalake/service-kit';

export class IngestEnv extends DataServiceEnv {
  @IsInt()
  @Min(1)
  @Max(65535)
  INGEST_PORT: number = 3002;

  @IsInt()
  @Min(1)
  @Max(65535)
  SYSLOG_PORT: number = 5514;

  /** File inbox: `<INGEST_DIR>/<topic>/`. */
  @IsString()
  INGEST_DIR: string = '.datalake/inbox';
}
