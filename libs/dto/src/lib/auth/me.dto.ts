import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from './role';

/** The caller's request quota in the current window (the same figures as the X-RateLimit-* headers). */
export class QuotaDto {
  @ApiProperty({ description: 'Requests allowed per window (QUOTA_PER_HOUR)', example: 100 }) limit!: number;
  @ApiProperty({ description: 'Requests left in the current window, this one counted', example: 99 })
  remaining!: number;
  @ApiProperty({ format: 'date-time', description: 'When the current window ends and the count starts again' })
  resetAt!: string;
}

export class MeDto {
  @ApiProperty({ example: 'alice' }) username!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({ type: QuotaDto }) quota!: QuotaDto;
}
