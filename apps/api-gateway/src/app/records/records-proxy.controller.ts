import { Body, Controller, Delete, Get, Param, Put, Query, Req, Res, type Type } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { ListQueryDto } from '@datalake/dto';
import { createValidationPipe } from '@datalake/service-kit';
import { ApiAuthenticatedRoute, NEXT_LINK_DOC } from '../http/api-docs';
import { Authenticated } from '../http/authenticated.decorator';
import { setNextPageLink } from '../http/next-page-link';
import { afterQuotaClaim } from '../quota/quota.guard';
import { forwardedHeaders, jsonBody, relay, toQueryParams, Upstreams } from '../upstream/upstreams';
import type { RecordResource } from './record-resources';

/** Validates with the resource's own DTO: unknown fields and non-scalar query values are a 400 (with `errors[]`). */
const validating = (expectedType: Type) => createValidationPipe(expectedType);

function recordPath(resource: string, id?: string): string {
  return id === undefined ? `/${resource}` : `/${resource}/${encodeURIComponent(id)}`;
}

/** List, get, update and delete of one record resource, forwarded to its owning service. */
export function createRecordsProxyController(definition: RecordResource): Type {
  const { resource, title } = definition;

  @ApiTags(resource)
  @ApiExtraModels(definition.listQuery, definition.updateBody)
  @Controller(resource)
  class RecordsProxyController {
    constructor(readonly upstreams: Upstreams) {}

    @Get()
    @Authenticated({ quotaAlongside: true })
    @ApiQuery({ type: definition.listQuery })
    @ApiAuthenticatedRoute({
      operationId: `list${definition.plural}`,
      summary: `List ${title} records, newest first, with cursor paging`,
      ok: { status: 200, type: definition.page, description: 'A page of records', headers: NEXT_LINK_DOC },
      errors: [
        {
          status: 400,
          description:
            'Invalid query (unknown parameter, non-scalar value, a cursor that is not the nextCursor of a previous page, an impossible date)',
        },
      ],
    })
    async list(
      @Query(validating(definition.listQuery)) query: ListQueryDto,
      @Req() request: Request,
      @Res() response: Response,
    ): Promise<void> {
      const read = this.upstreams.get(definition.upstream).call({
        caller: request.user,
        method: 'GET',
        path: recordPath(resource),
        query: toQueryParams(query),
        headers: forwardedHeaders(request),
      });
      const answer = await afterQuotaClaim(request, read);
      setNextPageLink(request, response, query, answer);
      relay(response, answer);
    }

    @Get(':id')
    @Authenticated({ quotaAlongside: true })
    @ApiParam({ name: 'id', description: 'Record id' })
    @ApiAuthenticatedRoute({
      operationId: `get${definition.singular}`,
      summary: `Get one ${title} record`,
      ok: { status: 200, type: definition.record, description: 'The record' },
      errors: [{ status: 404, description: 'No such record' }],
    })
    async get(@Param('id') id: string, @Req() request: Request, @Res() response: Response): Promise<void> {
      const read = this.upstreams.get(definition.upstream).call({
        caller: request.user,
        method: 'GET',
        path: recordPath(resource, id),
        headers: forwardedHeaders(request),
      });
      relay(response, await afterQuotaClaim(request, read));
    }

    @Put(':id')
    @Authenticated({ admin: true })
    @ApiParam({ name: 'id', description: 'Record id' })
    @ApiBody({ type: definition.updateBody })
    @ApiAuthenticatedRoute({
      operationId: `update${definition.singular}`,
      summary: `Update the mutable fields of a ${title} record`,
      admin: true,
      ok: { status: 200, type: definition.record, description: 'The updated record' },
      errors: [
        {
          status: 400,
          description: 'Invalid body, unknown field, impossible date (e.g. 2026-02-30), or a body nested too deep',
        },
        { status: 404, description: 'No such record' },
      ],
    })
    async update(
      @Param('id') id: string,
      @Body(validating(definition.updateBody)) body: object,
      @Req() request: Request,
      @Res() response: Response,
    ): Promise<void> {
      const json = jsonBody(body);
      relay(
        response,
        await this.upstreams.get(definition.upstream).call({
          caller: request.user,
          method: 'PUT',
          path: recordPath(resource, id),
          headers: { ...forwardedHeaders(request), ...json.headers },
          body: json.body,
        }),
      );
    }

    @Delete(':id')
    @Authenticated({ admin: true })
    @ApiParam({ name: 'id', description: 'Record id' })
    @ApiAuthenticatedRoute({
      operationId: `delete${definition.singular}`,
      summary: `Delete a ${title} record`,
      admin: true,
      ok: { status: 204, description: 'Deleted' },
      errors: [{ status: 404, description: 'No such record' }],
    })
    async remove(@Param('id') id: string, @Req() request: Request, @Res() response: Response): Promise<void> {
      relay(
        response,
        await this.upstreams.get(definition.upstream).call({
          caller: request.user,
          method: 'DELETE',
          path: recordPath(resource, id),
          headers: forwardedHeaders(request),
        }),
      );
    }
  }

  Object.defineProperty(RecordsProxyController, 'name', {
    value: `${resource.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}ProxyController`,
  });
  return RecordsProxyController;
}
