import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { MAX_STATS_BUCKETS, type ExportFormat, type ListQueryDto, type StatsQueryDto } from '@datalake/dto';
import { DomainError } from '@datalake/service-kit';
import { RECORD_DEFINITION } from './record.tokens';
import type { RecordDefinition, RecordDocument } from './record-definition';
import { RecordRepository } from './record.repository';
import { toPublicRecord } from './record-serializer';
import { csvColumnsOf, csvLine, csvRowOf } from './record-export';
import { bucketStart, intervalMs, type StatsAnswer } from './stats/record-stats';

const HOUR_MS = 3_600_000;

export type PublicRecord = Record<string, unknown>;

/** The internal query API of a record service, in public record shape. */
@Injectable()
export class RecordService implements OnModuleInit {
  constructor(
    @Inject(RECORD_DEFINITION) private readonly definition: RecordDefinition,
    private readonly repository: RecordRepository,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.repository.ensureIndexes();
  }

  async list(query: ListQueryDto): Promise<{ items: PublicRecord[]; nextCursor: string | null }> {
    const page = await this.repository.list(query);
    return { items: page.items.map((item) => this.toPublic(item)), nextCursor: page.nextCursor };
  }

  /** Counts of [from, to) by interval (default: the last hour by minute), from the write-time rollups. */
  stats(query: StatsQueryDto): Promise<StatsAnswer> {
    const to = query.to ? new Date(query.to) : new Date();
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - HOUR_MS);
    const interval = query.interval ?? 'minute';
    if (from.getTime() >= to.getTime()) throw new DomainError('INVALID', 'from must be before to');
    const buckets = Math.ceil((to.getTime() - bucketStart(from, interval).getTime()) / intervalMs(interval));
    if (buckets > MAX_STATS_BUCKETS)
      throw new DomainError(
        'INVALID',
        `the range holds ${buckets} buckets of a ${interval}, at most ${MAX_STATS_BUCKETS} are answered: choose a larger interval or a shorter range`,
      );
    return this.repository.stats({ from, to, interval });
  }

  /**
   * The lines of an export, newest record first: NDJSON (one public record a line) or CSV (a header
   * row, then one row per record). Pulled one at a time by the response stream.
   */
  async *exportLines(query: ListQueryDto, format: ExportFormat): AsyncGenerator<string> {
    const columns = csvColumnsOf(this.definition);
    const line = (document: RecordDocument) => {
      const record = this.toPublic(document);
      return format === 'csv' ? csvLine(csvRowOf(record, columns)) : `${JSON.stringify(record)}\n`;
    };
    // The first read runs before the first line: a refused query is still an error answer, not a cut stream.
    const records = this.repository.exportRecords(query);
    const first = await records.next();
    if (format === 'csv') yield csvLine(columns);
    if (first.done) return;
    yield line(first.value);
    for await (const document of records) yield line(document);
  }

  async get(id: string): Promise<PublicRecord> {
    return this.toPublic(await this.repository.findById(id));
  }

  async update(id: string, patch: Record<string, unknown>): Promise<PublicRecord> {
    const fields = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    if (Object.keys(fields).length === 0)
      throw new DomainError('INVALID', 'body must contain at least one field to update');
    const withNul = Object.entries(fields).find(([, value]) => typeof value === 'string' && value.includes('\u0000'));
    if (withNul) throw new DomainError('INVALID', `${withNul[0]} must not contain the NUL character (U+0000)`);
    return this.toPublic(await this.repository.update(id, fields));
  }

  delete(id: string): Promise<void> {
    return this.repository.delete(id);
  }

  private toPublic(document: Parameters<typeof toPublicRecord>[0]): PublicRecord {
    return toPublicRecord(document, this.definition.hiddenFields);
  }
}
