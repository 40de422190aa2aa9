import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import type { ListQueryDto } from './list-query.dto';

export const STATS_INTERVALS = ['minute', 'hour', 'day'] as const;
export type StatsInterval = (typeof STATS_INTERVALS)[number];
/** Most buckets one stats answer lists (a day by minute, 60 days by hour, ~4 years by day). */
export const MAX_STATS_BUCKETS = 1_440;
export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** `GET /<resource>/stats`: the time range and bucket size. */
export class StatsQueryDto {
  @ApiPropertyOptional({ description: 'Inclusive start (ISO 8601); default `to` minus one hour' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date-time' })
  from?: string;

  @ApiPropertyOptional({ description: 'Exclusive end (ISO 8601); default now' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date-time' })
  to?: string;

  @ApiPropertyOptional({
    enum: STATS_INTERVALS,
    default: 'minute',
    description: `Bucket size of the series; at most ${MAX_STATS_BUCKETS} buckets`,
  })
  @IsOptional()
  @IsIn(STATS_INTERVALS, { message: `interval must be one of ${STATS_INTERVALS.join(', ')}` })
  interval?: StatsInterval;
}

/** The export query of a resource: its list filters (limit ignored, cursor resumes after a record) and `format`. */
export function exportQueryDtoOf(listQuery: new () => ListQueryDto, typeName: string): new () => ListQueryDto {
  class ExportQuery extends listQuery {
    @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'ndjson' })
    @IsOptional()
    @IsIn(EXPORT_FORMATS, { message: `format must be one of ${EXPORT_FORMATS.join(', ')}` })
    format?: ExportFormat;
  }
  Object.defineProperty(ExportQuery, 'name', { value: `${typeName}ExportQueryDto` });
  return ExportQuery;
}

class StatsBucketDto {
  @ApiProperty({ format: 'date-time' }) start!: string;
  @ApiProperty() count!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, description: 'Count by source.kind' })
  bySource!: Record<string, number>;
}

class TopValueDto {
  @ApiProperty() value!: string;
  @ApiProperty() count!: number;
}

class AmountSumDto {
  @ApiProperty({ example: 'USD' }) currency!: string;
  @ApiProperty() count!: number;
  @ApiProperty({ example: '1234.50', description: 'Exact sum, decimal string in the currency’s minor-unit exponent' })
  sum!: string;
}

const COUNTS = { type: 'object', additionalProperties: { type: 'integer' } } as const;
const TOP = (what: string): ApiPropertyOptions => ({
  type: [TopValueDto],
  description: `Top 10 ${what}, count descending (exact when topsExact is true)`,
});

/** `GET /<resource>/stats`: counts pre-aggregated at write time; breakdowns present per resource. */
export class RecordStatsDto {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ enum: STATS_INTERVALS }) interval!: StatsInterval;
  @ApiProperty({ description: 'Records in the range' }) total!: number;
  @ApiProperty({ ...COUNTS, description: 'Count by source.kind' }) bySource!: Record<string, number>;
  @ApiProperty({ type: [StatsBucketDto], description: 'Every bucket, zeros included, oldest first' })
  series!: StatsBucketDto[];
  @ApiPropertyOptional({ type: [AmountSumDto], description: 'Transactions: count and exact sum per currency' })
  amounts?: AmountSumDto[];
  @ApiPropertyOptional({ ...COUNTS, description: 'Transactions: count by status' }) byStatus?: Record<string, number>;
  @ApiPropertyOptional({ ...COUNTS, description: 'Network logs' }) byDirection?: Record<string, number>;
  @ApiPropertyOptional({ ...COUNTS, description: 'Network logs' }) byAction?: Record<string, number>;
  @ApiPropertyOptional({ ...COUNTS, description: 'Network logs' }) bySeverity?: Record<string, number>;
  @ApiPropertyOptional(TOP('source IPs (network logs)')) topSourceIps?: TopValueDto[];
  @ApiPropertyOptional(TOP('hosts (network logs)')) topHosts?: TopValueDto[];
  @ApiPropertyOptional({ ...COUNTS, description: 'Social posts: count by platform' }) byPlatform?: Record<
    string,
    number
  >;
  @ApiPropertyOptional(TOP('hashtags (social posts)')) topHashtags?: TopValueDto[];
  @ApiPropertyOptional(TOP('mentions (social posts)')) topMentions?: TopValueDto[];
  @ApiPropertyOptional({
    description:
      'Network logs and social posts: false when some writer reached its cap of distinct values per bucket, so the top lists may be approximate',
  })
  topsExact?: boolean;
}
