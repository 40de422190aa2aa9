import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * Why a record of an ingestion request was not accepted. Besides the schema codes (INVALID_JSON,
 * INVALID_PAYLOAD, TOO_DEEP, TOO_LARGE, PROCESSING_FAILED, ...):
 * - NOT_STORED: Kafka failed before this record was sent; it is not stored, send it again.
 * - OUTCOME_UNKNOWN: the record was in a Kafka request that failed or timed out; it may or may not
 *   be stored. Sending it again is safe: records are stored by natural key.
 */
export const INGEST_DELIVERY_CODES = { notStored: 'NOT_STORED', outcomeUnknown: 'OUTCOME_UNKNOWN' } as const;

export class IngestErrorDto {
  @ApiProperty({ description: 'Zero-based position of the record in the request' }) index!: number;
  @ApiProperty() message!: string;
  @ApiProperty({
    description:
      'Why: a validation code (INVALID_JSON, INVALID_PAYLOAD, TOO_DEEP, TOO_LARGE, PROCESSING_FAILED), or NOT_STORED / ' +
      'OUTCOME_UNKNOWN when Kafka failed part-way (resending those records is safe: records are stored by natural key)',
    example: 'TOO_LARGE',
  })
  code!: string;
}

export class IngestResultDto {
  @ApiProperty({ description: 'Records Kafka acknowledged (stored); exactly these were accepted' }) accepted!: number;
  @ApiProperty({ description: 'Records not accepted: the length of `errors`' }) rejected!: number;
  @ApiProperty({ type: [IngestErrorDto], description: 'One entry per record not accepted, by index' })
  errors!: IngestErrorDto[];
  @ApiPropertyOptional({
    description: 'Present when Kafka failed part-way: records certainly not stored (code NOT_STORED)',
  })
  notStored?: number;
  @ApiPropertyOptional({
    description: 'Present when Kafka failed part-way: records that may or may not be stored (code OUTCOME_UNKNOWN)',
  })
  outcomeUnknown?: number;
}
