import { RECORD_DTOS } from '@datalake/dto';
import { currencyExponent, TOPIC_CATALOGUE, TOPICS } from '@datalake/kafka-schemas';
import type { RecordDefinition } from '@datalake/records';
import { riskFlagsOf, toTransactionDocument } from './transaction.transform';

const catalogue = TOPIC_CATALOGUE[TOPICS.transactions];
const byTime = { timestamp: -1, _id: -1 } as const;

export const transactionsDefinition: RecordDefinition<typeof TOPICS.transactions> = {
  // topic, resource path, database and collection: the topic catalogue (DESIGN.md's table)
  topic: catalogue.topic,
  resource: catalogue.resource,
  database: catalogue.database,
  collection: catalogue.collection,
  toDocument: toTransactionDocument,
  ...RECORD_DTOS[TOPICS.transactions],
  filters: {
    // the natural key: stored as _id, the index every server has
    transactionId: (value) => ({ _id: value }),
    customerId: (value) => ({ customerId: value }),
    status: (value) => ({ status: value.toLowerCase() }),
    currency: (value) => ({ currency: value.toUpperCase() }),
    minAmount: (value) => ({ amountValue: { $gte: Number(value) } }),
    maxAmount: (value) => ({ amountValue: { $lte: Number(value) } }),
  },
  narrowFilters: ['transactionId', 'customerId'],
  applyUpdate: (current, patch) => {
    const status = (patch['status'] as string | undefined) ?? (current['status'] as string);
    const cardFlagged = (current['riskFlags'] as string[] | undefined)?.includes('invalid_card_checksum');
    const riskFlags = riskFlagsOf({
      amountMinor: current['amountMinor'] as number,
      currency: current['currency'] as string,
      status,
      cardValid: cardFlagged ? false : undefined,
    });
    return { ...patch, riskFlags };
  },
  indexes: [
    { key: { customerId: 1, ...byTime }, name: 'customerId_time' },
    { key: { status: 1, ...byTime }, name: 'status_time' },
    { key: { currency: 1, ...byTime }, name: 'currency_time' },
  ],
  hiddenFields: ['amountValue'],
  stats: {
    counts: { byStatus: 'status' },
    sums: { amounts: { group: 'currency', minor: 'amountMinor' } },
    formatSum: formatMinorSum,
  },
};

/** An exact sum of minor units as a decimal string in the currency's ISO 4217 exponent (`-1234.50`). */
export function formatMinorSum(currency: string, minor: bigint): string {
  const exponent = currencyExponent(currency);
  const digits = (minor < 0n ? -minor : minor).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent > 0 ? `.${digits.slice(digits.length - exponent)}` : '';
  return `${minor < 0n ? '-' : ''}${whole}${fraction}`;
}
