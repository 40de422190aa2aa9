import { ApiProperty } from '@nestjs/swagger';

export class IngestErrorDto {
  @ApiProperty({ description: 'Zero-based position of the record in the request' }) index!: number;
  @ApiProperty() message!: string;
}

export class IngestResultDto {
  @ApiProperty() accepted!: number;
  @ApiProperty() rejected!: number;
  @ApiProperty({ type: [IngestErrorDto] }) errors!: IngestErrorDto[];
}
