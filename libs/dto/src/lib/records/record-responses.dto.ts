import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { TRANSACTION_STATUSES, type TransactionStatus } from '@datalake/kafka-schemas';
import { RecordBaseDto, RecordPageOf } from './record-page.dto';

/*
 * The stored fields of each record type, as `GET`, `PUT` and the listings return them. Each record
 * DTO is RecordBaseDto ∩ the type's stored fields: the stored fields follow the topic's payload class
 * (libs/kafka-schemas/src/lib/<topic>/) after its consumer's transform (normalised values, derived fields).
 * Derived values owned by a consumer (risk flags, direction) are open strings: new ones are additive.
 */

export class TransactionFieldsDto {
  @ApiProperty() transactionId!: string;
  @ApiProperty() customerId!: string;
  @ApiProperty({ description: 'Exact decimal string in major units, as many decimals as the currency has', example: '12.50' })
  amount!: string;
  @ApiProperty({ type: 'integer', description: 'The amount in minor units (cents)', example: 1250 }) amountMinor!: number;
  @ApiProperty({ description: 'ISO 4217, upper-case', example: 'USD' }) currency!: string;
  @ApiProperty({ enum: TRANSACTION_STATUSES }) status!: TransactionStatus;
  @ApiProperty({
    type: [String],
    description: 'Derived: high_amount, round_amount, negative_amount, failed_payment, invalid_card_checksum',
  })
  riskFlags!: string[];
  @ApiPropertyOptional() merchant?: string;
  @ApiPropertyOptional() category?: string;
  @ApiPropertyOptional() paymentMethod?: string;
  @ApiPropertyOptional({ description: 'Last four digits of the card number (the full number is never stored)', example: '1111' })
  cardLast4?: string;
}

export class SocialPostFieldsDto {
  @ApiProperty() postId!: string;
  @ApiProperty({ description: 'Lower-case', example: 'mastodon' }) platform!: string;
  @ApiProperty() author!: string;
  @ApiProperty({ maxLength: 10_000 }) content!: string;
  @ApiProperty({ type: 'integer', minimum: 0 }) likes!: number;
  @ApiProperty({ type: 'integer', minimum: 0 }) shares!: number;
  @ApiPropertyOptional({ description: 'Language tag, lower-case', example: 'en' }) lang?: string;
  @ApiProperty({ type: [String], description: 'Derived: hashtags, lower-case, without `#`' }) hashtags!: string[];
  @ApiProperty({ type: [String], description: 'Derived: mentions, lower-case, without `@`' }) mentions!: string[];
  @ApiProperty({ type: [String], description: 'Derived: URLs in the content' }) urls!: string[];
}

export class NetworkLogFieldsDto {
  @ApiProperty({ description: 'IPv4 or IPv6, canonical form' }) sourceIp!: string;
  @ApiPropertyOptional({ description: 'IPv4 or IPv6, canonical form' }) destIp?: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 65535 }) sourcePort?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 65535 }) destPort?: number;
  @ApiPropertyOptional({ description: 'Upper-case', example: 'TCP' }) protocol?: string;
  @ApiPropertyOptional({ description: 'Lower-case', example: 'allow' }) action?: string;
  @ApiPropertyOptional({ type: 'integer', minimum: 0 }) bytes?: number;
  @ApiPropertyOptional({ description: 'Lower-case' }) host?: string;
  @ApiPropertyOptional({ description: 'Syslog severity name (emergency, alert, critical, error, warning, notice, info, debug)' })
  severity?: string;
  @ApiPropertyOptional({ description: 'Syslog facility, lower-case' }) facility?: string;
  @ApiPropertyOptional({ description: 'Syslog app name' }) app?: string;
  @ApiPropertyOptional() message?: string;
  @ApiProperty({ description: 'Derived from private address ranges: internal, inbound, outbound or external', example: 'internal' })
  direction!: string;
}

export class TransactionRecordDto extends IntersectionType(RecordBaseDto, TransactionFieldsDto) {}
export class SocialPostRecordDto extends IntersectionType(RecordBaseDto, SocialPostFieldsDto) {}
export class NetworkLogRecordDto extends IntersectionType(RecordBaseDto, NetworkLogFieldsDto) {}

export class TransactionPageDto extends RecordPageOf(TransactionRecordDto) {}
export class SocialPostPageDto extends RecordPageOf(SocialPostRecordDto) {}
export class NetworkLogPageDto extends RecordPageOf(NetworkLogRecordDto) {}
