import { ApiProperty } from '@nestjs/swagger';
import { SOURCE_KINDS, type SourceKind } from '@datalake/kafka-schemas';

/** Where a record came in: the envelope's `source`. */
export class RecordSourceDto {
  @ApiProperty({ enum: SOURCE_KINDS }) kind!: SourceKind;
  @ApiProperty({
    description: 'The source: a file name, a SQLite source, a syslog peer, a topic, or the HTTP push',
    example: 'http',
  })
  name!: string;
}

/** Fields every stored record exposes (DESIGN.md: a string `id`, `ingestedAt` and `source`). */
export class RecordBaseDto {
  @ApiProperty({ description: 'Record id: its natural key (network logs: a hash of the normalised fields)' })
  id!: string;
  @ApiProperty({ format: 'date-time', description: 'When the record happened (UTC)' }) timestamp!: string;
  @ApiProperty({ format: 'date-time', description: 'When DataLake ingested it' }) ingestedAt!: string;
  @ApiProperty({ type: RecordSourceDto }) source!: RecordSourceDto;
  @ApiProperty({ description: 'Id of the event that last wrote the record' }) eventId!: string;
}

const NEXT_CURSOR_DOC = {
  type: String,
  nullable: true,
  description:
    'Pass as `cursor` for the next page; null on the last page (the `Link: <…>; rel="next"` header carries the same)',
} as const;

/** A page of a listing: `{items, nextCursor}`, newest first. */
export class RecordPageDto<T = Record<string, unknown>> {
  @ApiProperty({ type: 'array', items: { type: 'object' } }) items!: T[];
  @ApiProperty(NEXT_CURSOR_DOC) nextCursor!: string | null;
}

/** The page class of one record type, so each listing documents its own items. */
/** A class (Nest's `Type`, written here without importing Nest's runtime). */
export type Class<T> = new (...args: any[]) => T; // eslint-disable-line @typescript-eslint/no-explicit-any

export function RecordPageOf<T>(item: Class<T>): Class<{ items: T[]; nextCursor: string | null }> {
  class RecordPage {
    @ApiProperty({ type: [item] }) items!: T[];
    @ApiProperty(NEXT_CURSOR_DOC) nextCursor!: string | null;
  }
  return RecordPage;
}
