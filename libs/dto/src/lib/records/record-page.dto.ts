import { ApiProperty } from '@nestjs/swagger';

export class RecordSourceDto {
  @ApiProperty({ enum: ['http', 'file', 'sqlite', 'syslog', 'kafka'] }) kind!: string;
  @ApiProperty() name!: string;
}

/** Fields every stored record exposes. */
export class RecordBaseDto {
  @ApiProperty({ description: 'Record id (its natural key)' }) id!: string;
  @ApiProperty({ format: 'date-time' }) timestamp!: string;
  @ApiProperty({ format: 'date-time' }) ingestedAt!: string;
  @ApiProperty({ type: RecordSourceDto }) source!: RecordSourceDto;
}

export class RecordPageDto<T = Record<string, unknown>> {
  @ApiProperty({ type: 'array', items: { type: 'object' } }) items!: T[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' })
  nextCursor!: string | null;
}
