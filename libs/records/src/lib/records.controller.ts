import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Logger,
  Param,
  Put,
  Query,
  Res,
  type Type,
} from '@nestjs/common';
import { ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RecordPageDto, RecordStatsDto, StatsQueryDto, type ExportFormat } from '@datalake/dto';
import { createValidationPipe } from '@datalake/service-kit';
import type { ListQueryDto } from '@datalake/dto';
import type { RecordDefinition } from './record-definition';
import { RecordService } from './record.service';
import { streamExport } from './export-stream';

/** The resource's own DTO; a 400 names each invalid field (`errors[]`). */
const validating = (expectedType: Type) => createValidationPipe(expectedType);

/** One controller class per resource, built from its definition (list, stats, export, get, update, delete). */
export function createRecordsController(definition: RecordDefinition): Type {
  const logger = new Logger(`${definition.resource} export`);
  @ApiTags(definition.resource)
  @Controller(definition.resource)
  class RecordsController {
    constructor(@Inject(RecordService) private readonly records: RecordService) {}

    @Get()
    @ApiOkResponse({ type: RecordPageDto })
    list(@Query(validating(definition.listQuery)) query: ListQueryDto) {
      return this.records.list(query);
    }

    // Declared before `:id`, so that `stats` and `export` are never taken as record ids.
    @Get('stats')
    @ApiOkResponse({ type: RecordStatsDto })
    stats(@Query(validating(StatsQueryDto)) query: StatsQueryDto) {
      return this.records.stats(query);
    }

    @Get('export')
    async export(
      @Query(validating(definition.exportQuery)) query: ListQueryDto & { format?: ExportFormat },
      @Res() response: Response,
    ): Promise<void> {
      const format = query.format ?? 'ndjson';
      await streamExport(
        response,
        this.records.exportLines(query, format),
        { resource: definition.resource, format },
        (error) => logger.error(`export of ${definition.resource} cut short: ${error.message}`),
      );
    }

    @Get(':id')
    @ApiNotFoundResponse()
    get(@Param('id') id: string) {
      return this.records.get(id);
    }

    @Put(':id')
    @ApiNotFoundResponse()
    update(@Param('id') id: string, @Body(validating(definition.updateBody)) body: Record<string, unknown>) {
      return this.records.update(id, body);
    }

    @Delete(':id')
    @HttpCode(204)
    @ApiNoContentResponse()
    @ApiNotFoundResponse()
    async remove(@Param('id') id: string): Promise<void> {
      await this.records.delete(id);
    }
  }
  return RecordsController;
}
