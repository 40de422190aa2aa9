import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsISO8601, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** Cursor paging shared by every listing (records and users). */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: "Opaque cursor from the previous page's nextCursor" })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'cursor is not a valid cursor' })
  cursor?: string;
}

/**
 * Paging and time window shared by every record listing. Query values must be scalars: an
 * array or object (`?x[$ne]=1`) fails validation and answers 400.
 */
export class ListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Inclusive lower bound on the record timestamp (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date-time' })
  from?: string;

  @ApiPropertyOptional({ description: 'Exclusive upper bound on the record timestamp (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date-time' })
  to?: string;
}

/** One scalar text filter; bounded so a query cannot carry a document. */
function TextFilter(): PropertyDecorator {
  return (target, key) => {
    ApiPropertyOptional({ type: String })(target, key);
    IsOptional()(target, key);
    IsString()(target, key);
    MaxLength(256)(target, key);
  };
}

const DECIMAL_PATTERN = /^-?\d+(\.\d+)?$/;

export class NetworkLogListQueryDto extends ListQueryDto {
  @TextFilter() sourceIp?: string;
  @TextFilter() destIp?: string;
  @TextFilter() protocol?: string;
  @TextFilter() action?: string;
  @TextFilter() host?: string;
  @TextFilter() severity?: string;
}

export class SocialPostListQueryDto extends ListQueryDto {
  @TextFilter() postId?: string;
  @TextFilter() platform?: string;
  @TextFilter() author?: string;
  @TextFilter() hashtag?: string;
}

export class TransactionListQueryDto extends ListQueryDto {
  @TextFilter() transactionId?: string;
  @TextFilter() customerId?: string;
  @TextFilter() status?: string;
  @TextFilter() currency?: string;

  @ApiPropertyOptional({ type: String, example: '100.00' })
  @IsOptional()
  @IsString()
  @Matches(DECIMAL_PATTERN, { message: 'minAmount must be a decimal number' })
  minAmount?: string;

  @ApiPropertyOptional({ type: String, example: '5000' })
  @IsOptional()
  @IsString()
  @Matches(DECIMAL_PATTERN, { message: 'maxAmount must be a decimal number' })
  maxAmount?: string;
}
