import { Injectable, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type {
  DeadLetterDto,
  DeadLetterListQueryDto,
  DeadLetterPageDto,
  DeadLetterSummaryDto,
  ReplayDeadLettersDto,
  ReplayResultDto,
} from '@datalake/dto';
import { DomainError } from '@datalake/service-kit';
import { isDeadLetterId, toDeadLetterDetail, toDeadLetterSummary } from './dead-letter-entry';
import { DeadLetterIndexer } from './dead-letter-indexer';
import { DeadLetterReplayer } from './dead-letter-replay';
import { DeadLetterRepository } from './dead-letter.repository';

/** A record service's dead-letter API: list, show, replay, discard (its own topic's DLQ index). */
@Injectable()
export class DeadLettersService implements OnModuleInit, BeforeApplicationShutdown {
  constructor(
    private readonly repository: DeadLetterRepository,
    private readonly replayer: DeadLetterReplayer,
    private readonly indexer: DeadLetterIndexer,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.repository.ensureIndexes();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.indexer.stop();
  }

  async list(query: DeadLetterListQueryDto): Promise<DeadLetterPageDto> {
    const [page, counts] = await Promise.all([this.repository.list(query), this.repository.counts()]);
    return { items: page.items.map(toDeadLetterSummary), nextCursor: page.nextCursor, counts };
  }

  async get(id: string): Promise<DeadLetterDto> {
    const entry = isDeadLetterId(id) ? await this.repository.findById(id) : undefined;
    if (!entry) throw new DomainError('NOT_FOUND', `no dead letter ${JSON.stringify(id.slice(0, 64))}`);
    return toDeadLetterDetail(entry);
  }

  replay(request: ReplayDeadLettersDto): Promise<ReplayResultDto> {
    return this.replayer.replay(request);
  }

  /** Pending → discarded (kept, never replayed); discarding again answers the same; a replayed entry is a 409. */
  async discard(id: string): Promise<DeadLetterSummaryDto> {
    const entry = isDeadLetterId(id) ? await this.repository.discard(id, new Date()) : undefined;
    if (!entry) throw new DomainError('NOT_FOUND', `no dead letter ${JSON.stringify(id.slice(0, 64))}`);
    if (entry.status === 'replayed')
      throw new DomainError('CONFLICT', `dead letter ${id} was already replayed; it cannot be discarded`);
    return toDeadLetterSummary(entry);
  }
}
