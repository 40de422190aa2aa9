import { Body, Controller, Delete, Get, Param, Put, Query, Req, Res, type Type } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { RecordStatsDto, StatsQueryDto, type ListQueryDto } from '@datalake/dto';
import { createValidationPipe } from '@datalake/service-kit';
import { ApiAuthenticatedRoute, NEXT_LINK_DOC } from '../http/api-docs';
import { isStreamedAnswer } from '../upstream/upstream.client';
import { pipeExport } from './export-relay';
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
  @ApiExtraModels(definition.listQuery, definition.updateBody, definition.exportQuery)
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

    // `stats` and `export` are declared before `:id`, so that they are never taken as record ids.
    @Get('stats')
    @Authenticated({ quotaAlongside: true })
    @ApiQuery({ type: StatsQueryDto })
    @ApiAuthenticatedRoute({
      operationId: `${definition.singular.charAt(0).toLowerCase()}${definition.singular.slice(1)}Stats`,
      summary: `Statistics of ${title} records: counts per interval and breakdowns`,
      description:
        'Counted at write time by the owning service (pre-aggregated per minute, hour and day), so the answer costs the same at any number of records. ' +
        'Defaults: `to` now, `from` one hour before `to`, `interval` minute; at most 1,440 buckets. ' +
        'Counts and per-currency sums are exact; top-10 lists are exact while `topsExact` is true (see docs/STORAGE.md). ' +
        "A write shows in the answer within about a second (the owning service's flush delay).",
      ok: { status: 200, type: RecordStatsDto, description: 'Counts of the range, every bucket listed oldest first' },
      errors: [
        {
          status: 400,
          description:
            'Invalid query (unknown parameter, non-scalar value, impossible date, unknown interval, from not before to, more than 1,440 buckets)',
        },
      ],
    })
    async stats(
      @Query(validating(StatsQueryDto)) query: StatsQueryDto,
      @Req() request: Request,
      @Res() response: Response,
    ): Promise<void> {
      const read = this.upstreams.get(definition.upstream).call({
        caller: request.user,
        method: 'GET',
        path: `${recordPath(resource)}/stats`,
        query: toQueryParams(query),
        headers: forwardedHeaders(request),
      });
      relay(response, await afterQuotaClaim(request, read));
    }

    @Get('export')
    @Authenticated({ quotaAlongside: true })
    @ApiQuery({ type: definition.exportQuery })
    @ApiAuthenticatedRoute({
      operationId: `export${definition.plural}`,
      summary: `Export every ${title} record matching the list filters, newest first, as NDJSON or CSV`,
      description:
        'Streamed from the owning service through the gateway with backpressure (constant memory at any size); one request against the quota however many records. ' +
        '`limit` is ignored; `cursor` (a nextCursor of the listing) starts after that record. ' +
        'CSV: a header row, then one row per record: `id`, the stored fields, `ingestedAt`, `eventId`, `source.kind`, `source.name`; arrays as JSON; RFC 4180 quoting. ' +
        'An error after the first byte can only cut the download short (the response ends without its last line).',
      ok: {
        status: 200,
        description:
          'The records, as an attachment (`Content-Disposition: attachment; filename="<resource>-<timestamp>.<ext>"`)',
        headers: {
          'Content-Disposition': {
            description: 'attachment; filename="<resource>-<timestamp>.<ext>"',
            schema: { type: 'string' },
          },
        },
        content: {
          'application/x-ndjson': { schema: { type: 'string', description: 'One JSON record per line' } },
          'text/csv': { schema: { type: 'string', description: 'Header row, then one row per record' } },
        },
      },
      errors: [
        {
          status: 400,
          description:
            'Invalid query (unknown parameter, non-scalar value, unknown format, a cursor that is not a nextCursor, an impossible date)',
        },
      ],
    })
    async export(
      @Query(validating(definition.exportQuery)) query: ListQueryDto,
      @Req() request: Request,
      @Res() response: Response,
    ): Promise<void> {
      const opened = this.upstreams.get(definition.upstream).stream({
        caller: request.user,
        method: 'GET',
        path: `${recordPath(resource)}/export`,
        query: toQueryParams(query),
        headers: forwardedHeaders(request),
      });
      const answer = await afterQuotaClaim(request, opened).catch(async (error: unknown) => {
        // Refused by the quota while the service had started to answer: close that stream.
        const started = await opened.catch(() => undefined);
        if (started && isStreamedAnswer(started)) started.body.destroy();
        throw error;
      });
      await pipeExport(response, answer);
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
