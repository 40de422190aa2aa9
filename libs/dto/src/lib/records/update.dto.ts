import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';

export class TransactionUpdateDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) merchant?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(128) category?: string;
  @ApiPropertyOptional({ enum: ['pending', 'completed', 'failed', 'refunded'] })
  @IsOptional()
  @IsIn(['pending', 'completed', 'failed', 'refunded'])
  status?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) paymentMethod?: string;
}

export class SocialPostUpdateDto {
  @ApiPropertyOptional({ maxLength: 10000 }) @IsOptional() @IsString() @MaxLength(10_000) content?: string;
  @ApiPropertyOptional({ minimum: 0 }) @IsOptional() @IsInt() @Min(0) likes?: number;
  @ApiPropertyOptional({ minimum: 0 }) @IsOptional() @IsInt() @Min(0) shares?: number;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: 'lang must be a language tag like "en"' })
  lang?: string;
}

export class NetworkLogUpdateDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(32) action?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(32) severity?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) host?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(65_536) message?: string;
}
