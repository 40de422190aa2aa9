import { Transform } from 'class-transformer';
import {
  IsIn,
  IsISO4217CurrencyCode,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateBy,
} from 'class-validator';
import { blankToUndefined } from '../normalize';
import { IsTimestamp } from '../validation';
import { toDecimalString, toMinorUnits } from './amount';
import { TRANSACTION_STATUSES, type TransactionStatus } from './transactions.catalogue';

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const optional = ({ value }: { value: unknown }) => {
  const cleaned = blankToUndefined(value);
  return typeof cleaned === 'string' ? cleaned.trim() : cleaned;
};

/** Validation of a transaction's input fields; the fields themselves are listed in transactions.catalogue.ts. */
export class TransactionPayload {
  @Transform(trimmed)
  @IsString()
  @Length(1, 128)
  transactionId!: string;

  @Transform(trimmed)
  @IsString()
  @Length(1, 128)
  customerId!: string;

  @ValidateBy({
    name: 'isExactAmount',
    validator: {
      validate: (value: unknown, args) => {
        const decimal = toDecimalString(value);
        if (decimal === undefined) return false;
        const currency = (args?.object as TransactionPayload).currency;
        return typeof currency !== 'string' || toMinorUnits(decimal, currency.trim()) !== undefined;
      },
      defaultMessage: () => 'amount must be a number or decimal string with no more decimals than its currency allows',
    },
  })
  amount!: number | string;

  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() : value))
  @IsISO4217CurrencyCode({ message: 'currency must be an ISO 4217 code' })
  currency!: string;

  @IsTimestamp()
  timestamp!: string | number;

  @IsOptional()
  @Transform(optional)
  @IsString()
  @MaxLength(256)
  merchant?: string;

  @IsOptional()
  @Transform(optional)
  @IsString()
  @MaxLength(128)
  category?: string;

  @IsOptional()
  @Transform(({ value }) => {
    const cleaned = blankToUndefined(value);
    return typeof cleaned === 'string' ? cleaned.trim().toLowerCase() : cleaned;
  })
  @IsIn(TRANSACTION_STATUSES)
  status?: TransactionStatus;

  @IsOptional()
  @Transform(optional)
  @IsString()
  @MaxLength(64)
  paymentMethod?: string;

  @IsOptional()
  @Transform(({ value }) => {
    const cleaned = blankToUndefined(value);
    return typeof cleaned === 'number' ? String(cleaned) : cleaned;
  })
  @IsString()
  @Matches(/^\d(?:[ -]?\d){11,18}$/, { message: 'cardNumber must have 12 to 19 digits' })
  cardNumber?: string;
}

export function transactionKey(payload: Pick<TransactionPayload, 'transactionId'>): string {
  return payload.transactionId;
}
