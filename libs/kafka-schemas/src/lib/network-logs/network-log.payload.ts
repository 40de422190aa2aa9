import { Transform } from 'class-transformer';
import { IsInt, IsIP, IsOptional, IsString, Max, MaxLength, Min, ValidateBy } from 'class-validator';
import { blankToUndefined, numericStringToNumber } from '../normalize';
import { IsTimestamp } from '../validation';

const optionalText = ({ value }: { value: unknown }) => {
  const cleaned = blankToUndefined(value);
  return typeof cleaned === 'string' ? cleaned.trim() : cleaned;
};
const optionalNumber = ({ value }: { value: unknown }) => numericStringToNumber(value);

/** Input fields of a network log record; syslog lines are parsed into the same shape. */
export class NetworkLogPayload {
  @IsTimestamp()
  timestamp!: string | number;

  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsIP(undefined, { message: 'sourceIp must be an IPv4 or IPv6 address' })
  sourceIp!: string;

  @IsOptional()
  @Transform(optionalText)
  @IsIP(undefined, { message: 'destIp must be an IPv4 or IPv6 address' })
  destIp?: string;

  @IsOptional()
  @Transform(optionalNumber)
  @IsInt()
  @Min(0)
  @Max(65535)
  sourcePort?: number;

  @IsOptional()
  @Transform(optionalNumber)
  @IsInt()
  @Min(0)
  @Max(65535)
  destPort?: number;

  @IsOptional()
  @Transform(optionalText)
  @IsString()
  @MaxLength(32)
  protocol?: string;

  @IsOptional()
  @Transform(optionalText)
  @IsString()
  @MaxLength(32)
  action?: string;

  @IsOptional()
  @Transform(optionalNumber)
  @IsInt()
  @Min(0)
  bytes?: number;

  @IsOptional()
  @Transform(optionalText)
  @IsString()
  @MaxLength(255)
  host?: string;

  /** Syslog severity name or its number 0–7. */
  @IsOptional()
  @Transform(({ value }) => {
    const cleaned = numericStringToNumber(value);
    return typeof cleaned === 'string' ? cleaned.trim() : cleaned;
  })
  @ValidateBy({
    name: 'isSeverity',
    validator: {
      validate: (value: unknown) =>
        (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 7) ||
        (typeof value === 'string' && value.length > 0 && value.length <= 32),
      defaultMessage: () => 'severity must be a syslog severity name or a number from 0 to 7',
    },
  })
  severity?: string | number;

  @IsOptional()
  @Transform(optionalText)
  @IsString()
  @MaxLength(64)
  facility?: string;

  @IsOptional()
  @Transform(optionalText)
  @IsString()
  @MaxLength(128)
  app?: string;

  @IsOptional()
  @IsString()
  @MaxLength(65_536)
  message?: string;
}
