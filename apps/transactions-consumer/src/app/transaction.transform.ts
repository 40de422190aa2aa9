import {
  formatMinorUnits,
  parseTimestamp,
  toDecimalString,
  toMinorUnits,
  type KeyedEvent,
  type TOPICS,
  type TRANSACTION_RISK_FLAGS,
} from '@datalake/kafka-schemas';
import { TransformError, type RecordDocument } from '@datalake/records';

/** Amount (major units, any currency) from which a transaction is flagged `high_amount`. */
export const HIGH_AMOUNT_THRESHOLD = 10_000;

/** Values listed in the topic catalogue (its derived field `riskFlags`). */
export type RiskFlag = (typeof TRANSACTION_RISK_FLAGS)[number];

/** Luhn checksum of a card number's digits. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

export function riskFlagsOf(input: {
  amountMinor: number;
  currency: string;
  status: string;
  cardValid?: boolean;
}): RiskFlag[] {
  const flags: RiskFlag[] = [];
  const major = Number(formatMinorUnits(input.amountMinor, input.currency));
  if (Math.abs(major) >= HIGH_AMOUNT_THRESHOLD) flags.push('high_amount');
  if (Math.abs(major) >= 1000 && Number.isInteger(major) && major % 1000 === 0) flags.push('round_amount');
  if (input.amountMinor < 0) flags.push('negative_amount');
  if (input.status === 'failed') flags.push('failed_payment');
  if (input.cardValid === false) flags.push('invalid_card_checksum');
  return flags;
}

/**
 * Stored form of a transaction: exact amount as a decimal string and integer minor units, currency
 * upper-case, the card number reduced to its last four digits (the full number is never kept).
 */
export function toTransactionDocument(event: KeyedEvent<typeof TOPICS.transactions>): RecordDocument {
  const { payload, source, ingestedAt, eventId } = event.envelope;
  const currency = payload.currency.toUpperCase();
  const decimal = toDecimalString(payload.amount);
  const amountMinor = decimal === undefined ? undefined : toMinorUnits(decimal, currency);
  const timestamp = parseTimestamp(payload.timestamp);
  if (amountMinor === undefined || !timestamp) throw new TransformError('amount or timestamp cannot be read exactly');
  const amount = formatMinorUnits(amountMinor, currency);
  const cardDigits = payload.cardNumber?.replace(/\D/g, '');
  const status = payload.status ?? 'completed';

  const document: RecordDocument = {
    _id: event.key,
    transactionId: payload.transactionId,
    customerId: payload.customerId,
    amount,
    amountMinor,
    amountValue: Number(amount),
    currency,
    timestamp,
    status,
    riskFlags: riskFlagsOf({
      amountMinor,
      currency,
      status,
      cardValid: cardDigits ? passesLuhn(cardDigits) : undefined,
    }),
    ingestedAt: new Date(ingestedAt),
    source,
    eventId,
  };
  if (payload.merchant !== undefined) document['merchant'] = payload.merchant;
  if (payload.category !== undefined) document['category'] = payload.category;
  if (payload.paymentMethod !== undefined) document['paymentMethod'] = payload.paymentMethod;
  if (cardDigits) document['cardLast4'] = cardDigits.slice(-4);
  return document;
}
