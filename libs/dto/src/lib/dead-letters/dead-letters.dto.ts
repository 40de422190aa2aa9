import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { PageQueryDto } from '../records/list-query.dto';

export const DEAD_LETTER_STATUSES = ['pending', 'replayed', 'discarded'] as const;
export type DeadLetterStatus = (typeof DEAD_LETTER_STATUSES)[number];

/**
 * `<DLQ partition>-<DLQ offset>-<DLQ message time, ms>`: the same message always gets the same id,
 * and a message of a recreated DLQ topic (offsets from 0 again) gets a new one. Entries indexed
 * before the time was part of the id keep their `<partition>-<offset>` id.
 */
export const DEAD_LETTER_ID_PATTERN = /^\d{1,6}-\d{1,20}(?:-\d{1,15})?$/;
/** An id as the API documents it. */
export const DEAD_LETTER_ID_EXAMPLE = '0-42-1764669600000';
/** Reason codes are upper-case words (INVALID_PAYLOAD, INVALID_CSV_ROW, ...). */
export const REASON_CODE_PATTERN = /^[A-Z][A-Z0-9_]{0,63}$/;
/** Ids one replay request may name. */
export const MAX_REPLAY_IDS = 500;
/** Longest preview of a payload in a listing. */
export const PAYLOAD_PREVIEW_CHARS = 200;

/** Query of `GET /dead-letters/<topic>`: paging plus scalar filters (anything else is a 400). */
export class DeadLetterListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'Only entries with this reason code, e.g. INVALID_PAYLOAD',
    example: 'INVALID_PAYLOAD',
  })
  @IsOptional()
  @IsString()
  @Matches(REASON_CODE_PATTERN, { message: 'reason must be a reason code like INVALID_PAYLOAD' })
  reason?: string;

  @ApiPropertyOptional({ enum: DEAD_LETTER_STATUSES })
  @IsOptional()
  @IsIn(DEAD_LETTER_STATUSES)
  status?: DeadLetterStatus;
}

/** A JSON object (not an array) or a string: the corrected record, or its JSON text. */
function IsObjectOrString(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isObjectOrString',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be a JSON object or a string`, ...options },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' || (value !== null && typeof value === 'object' && !Array.isArray(value)),
      },
    });
}

/**
 * Body of `POST /dead-letters/<topic>/replay`: exactly one of `ids` / `reason`; `payload` (the
 * corrected record) only with exactly one id. Those cross-field rules are checked by the owning service.
 */
export class ReplayDeadLettersDto {
  @ApiPropertyOptional({ type: [String], maxItems: MAX_REPLAY_IDS, example: [DEAD_LETTER_ID_EXAMPLE] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_REPLAY_IDS)
  @IsString({ each: true })
  @Matches(DEAD_LETTER_ID_PATTERN, {
    each: true,
    message: `each id must be a dead-letter id like ${DEAD_LETTER_ID_EXAMPLE}`,
  })
  ids?: string[];

  @ApiPropertyOptional({ description: 'Replay every pending entry with this reason code', example: 'STORAGE_REJECTED' })
  @IsOptional()
  @IsString()
  @Matches(REASON_CODE_PATTERN, { message: 'reason must be a reason code like INVALID_PAYLOAD' })
  reason?: string;

  @ApiPropertyOptional({
    description:
      "The corrected record for the one id (the topic's payload, validated like an ingested record: 400 with per-field errors when invalid), as a JSON object or its JSON text",
    oneOf: [{ type: 'object' }, { type: 'string' }],
  })
  @IsOptional()
  @IsObjectOrString()
  payload?: Record<string, unknown> | string;
}

export class DeadLetterSourceDto {
  @ApiProperty({ example: 'file' }) kind!: string;
  @ApiProperty({ example: 'orders.csv' }) name!: string;
  @ApiPropertyOptional({ description: 'Where in the source, e.g. `line 12`', example: 'line 12' }) location?: string;
}

export class DeadLetterSummaryDto {
  @ApiProperty({
    description: '`<DLQ partition>-<DLQ offset>-<DLQ message time, ms>`',
    example: DEAD_LETTER_ID_EXAMPLE,
  })
  id!: string;
  @ApiProperty({ description: 'The DLQ topic', example: 'transactions.dlq' }) topic!: string;
  @ApiProperty({ example: 'transactions' }) originalTopic!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'Partition in the original topic (null for a source row)' })
  partition!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'Offset in the original topic (null for a source row)' })
  offset!: string | null;
  @ApiProperty({ example: 'INVALID_PAYLOAD' }) reasonCode!: string;
  @ApiProperty({ example: 'amount must be a decimal number' }) reasonMessage!: string;
  @ApiProperty({ type: DeadLetterSourceDto, nullable: true }) source!: DeadLetterSourceDto | null;
  @ApiProperty({ format: 'date-time' }) failedAt!: string;
  @ApiProperty({ maxLength: PAYLOAD_PREVIEW_CHARS }) payloadPreview!: string;
  @ApiProperty({ description: 'The DLQ copy was cut to fit the DLQ topic; replay it only with a corrected payload' })
  truncated!: boolean;
  @ApiProperty({ enum: DEAD_LETTER_STATUSES }) status!: DeadLetterStatus;
  @ApiPropertyOptional({ format: 'date-time' }) replayedAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) discardedAt?: string;
  @ApiProperty({ minimum: 0 }) replayCount!: number;
}

export class DeadLetterDto extends DeadLetterSummaryDto {
  @ApiProperty({ description: 'The whole value as stored in the DLQ (UTF-8 text)' }) payload!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'Headers of the DLQ message' })
  headers!: Record<string, string>;
}

export class DeadLetterCountsDto {
  @ApiProperty() pending!: number;
  @ApiProperty() replayed!: number;
  @ApiProperty() discarded!: number;
}

export class DeadLetterPageDto {
  @ApiProperty({ type: [DeadLetterSummaryDto] }) items!: DeadLetterSummaryDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
  @ApiProperty({ type: DeadLetterCountsDto, description: "Counts for the topic's whole index" })
  counts!: DeadLetterCountsDto;
}

export const REPLAY_SKIP_REASONS = ['already replayed', 'discarded', 'not found', 'truncated'] as const;
export type ReplaySkipReason = (typeof REPLAY_SKIP_REASONS)[number];

export class ReplaySkipDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: REPLAY_SKIP_REASONS }) reason!: ReplaySkipReason;
}

export class ReplayResultDto {
  @ApiProperty({ description: 'Entries re-produced to the original topic and marked replayed' }) replayed!: number;
  @ApiProperty({ type: [ReplaySkipDto] }) skipped!: ReplaySkipDto[];
  @ApiPropertyOptional({
    description: 'A replay by reason handles at most 1,000 entries per call: pending entries of that reason still left',
  })
  remaining?: number;
}

export const SERVICE_STATUSES = ['up', 'down'] as const;

export class ServiceHealthDto {
  @ApiProperty({ example: 'auth-service' }) name!: string;
  @ApiProperty({ enum: SERVICE_STATUSES }) status!: (typeof SERVICE_STATUSES)[number];
  @ApiProperty({ format: 'date-time' }) checkedAt!: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: "The service's readiness report, or why it could not be read",
  })
  details?: Record<string, unknown>;
}

export class ServiceHealthListDto {
  @ApiProperty({ type: [ServiceHealthDto] }) services!: ServiceHealthDto[];
}
