import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Put, Query, type Type } from '@nestjs/common';
import { ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RecordPageDto } from '@datalake/dto';
import { createValidationPipe, RequiresRole } from '@datalake/service-kit';
import type { ListQueryDto } from '@datalake/dto';
import type { RecordDefinition } from './record-definition';
import { RecordService } from './record.service';

/** The resource's own DTO; a 400 names each invalid field (`errors[]`). */
const validating = (expectedType: Type) => createValidationPipe(expectedType);

/** One controller class per resource, built from its definition (list, get, update, delete). */
export function createRecordsController(definition: RecordDefinition): Type {
  @ApiTags(definition.resource)
  @Controller(definition.resource)
  class RecordsController {
    constructor(@Inject(RecordService) private readonly records: RecordService) {}

    @Get()
    @ApiOkResponse({ type: RecordPageDto })
    list(@Query(validating(definition.listQuery)) query: ListQueryDto) {
      return this.records.list(query);
    }

    @Get(':id')
    @ApiNotFoundResponse()
    get(@Param('id') id: string) {
      return this.records.get(id);
    }

    @Put(':id')
    // Admin only, as at the gateway: checked again on the internal token's user (defence in depth).
    @RequiresRole('admin')
    @ApiNotFoundResponse()
    update(@Param('id') id: string, @Body(validating(definition.updateBody)) body: Record<string, unknown>) {
      return this.records.update(id, body);
    }

    @Delete(':id')
    @RequiresRole('admin')
    @HttpCode(204)
    @ApiNoContentResponse()
    @ApiNotFoundResponse()
    async remove(@Param('id') id: string): Promise<void> {
      await this.records.delete(id);
    }
  }
  return RecordsController;
}
