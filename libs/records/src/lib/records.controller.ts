import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Put, Query, type Type } from '@nestjs/common';
import { ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RECORD_DTOS, RecordPageDto } from '@datalake/dto';
import { createValidationPipe } from '@datalake/service-kit';
import type { ListQueryDto } from '@datalake/dto';
import type { RecordDefinition } from './record-definition';
import { RecordService } from './record.service';

/** The resource's own DTO; a 400 names each invalid field (`errors[]`). */
const validating = (expectedType: Type) => createValidationPipe(expectedType);

/** One controller class per resource, built from its definition (list, get, update, delete). */
export function createRecordsController(definition: RecordDefinition): Type {
  // The topic's request DTOs, the same classes the gateway validates with (one pairing, in libs/dto).
  const { listQuery, updateBody } = RECORD_DTOS[definition.topic];

  @ApiTags(definition.resource)
  @Controller(definition.resource)
  class RecordsController {
    constructor(@Inject(RecordService) private readonly records: RecordService) {}

    @Get()
    @ApiOkResponse({ type: RecordPageDto })
    list(@Query(validating(listQuery)) query: ListQueryDto) {
      return this.records.list(query);
    }

    @Get(':id')
    @ApiNotFoundResponse()
    get(@Param('id') id: string) {
      return this.records.get(id);
    }

    @Put(':id')
    @ApiNotFoundResponse()
    update(@Param('id') id: string, @Body(validating(updateBody)) body: Record<string, unknown>) {
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
