import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ListQueryDto } from '@datalake/dto';
import { DomainError } from '@datalake/service-kit';
import { RECORD_DEFINITION } from './record.tokens';
import type { RecordDefinition } from './record-definition';
import { RecordRepository } from './record.repository';
import { toPublicRecord } from './record-serializer';

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
