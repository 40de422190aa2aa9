import { Controller, Headers, HttpCode, NotFoundException, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { IngestResultDto } from '@datalake/dto';
import { ALL_TOPICS, isTopic } from '@datalake/kafka-schemas';
import { ApiAuthenticatedRoute } from '../http/api-docs';
import { Authenticated } from '../http/authenticated.decorator';
import { forwardedHeaders, relay, Upstreams } from '../upstream/upstreams';

/** Largest ingestion body (DESIGN.md: 413 past 5 MB); the gateway reads it raw and forwards the bytes. */
export const INGEST_BODY_LIMIT = '5mb';
export const INGEST_PATH = /^\/ingest\/[^/?]+\/?(\?|$)/;

@ApiTags('ingest')
@Controller('ingest')
export class IngestProxyController {
  constructor(private readonly upstreams: Upstreams) {}

  @Post(':topic')
  @HttpCode(202)
  @Authenticated({ admin: true })
  @ApiParam({ name: 'topic', enum: ALL_TOPICS })
  @ApiConsumes('application/json', 'application/x-ndjson')
  @ApiBody({
    description: 'A JSON object, a JSON array of records, or NDJSON (one record per line); at most 5 MB',
    schema: { oneOf: [{ type: 'object' }, { type: 'array', items: { type: 'object' } }, { type: 'string', description: 'NDJSON' }] },
  })
  @ApiAuthenticatedRoute({
    summary: 'Ingest records: valid ones are produced to Kafka, invalid ones reported',
    admin: true,
    ok: {
      status: 202,
      type: IngestResultDto,
      description:
        '`accepted` is exactly the number of records Kafka acknowledged; every other record has one `errors[]` entry with its `code`: ' +
        'INVALID_JSON, INVALID_PAYLOAD, TOO_LARGE (a record over 900 KiB, or that cannot fit one Kafka message), TOO_DEEP (over 32 levels), ' +
        'PROCESSING_FAILED, and when Kafka failed part-way NOT_STORED (never sent: resend it) or OUTCOME_UNKNOWN (may be stored; resending is safe, records are stored by natural key)',
    },
    errors: [
      { status: 400, description: 'Body is not a JSON object, array or NDJSON, or nests deeper than 33 levels (an NDJSON line deeper than 32); a record with an impossible date (e.g. 2026-02-30) is a per-record error in `errors[]`' },
      { status: 404, description: 'Unknown topic' },
      { status: 413, description: 'Body over 5 MB' },
      {
        status: 503,
        description:
          'Kafka acknowledged none of the valid records. The message says whether none was sent ("no record was accepted") or a request was in flight ("N record(s) may have been stored"); retrying is safe either way',
      },
    ],
  })
  async ingest(
    @Param('topic') topic: string,
    @Headers('content-type') contentType: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    if (!isTopic(topic)) throw new NotFoundException(`unknown topic; use one of ${ALL_TOPICS.join(', ')}`);
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const answer = await this.upstreams.get('ingest-producer-service').call({
      method: 'POST',
      path: `/ingest/${topic}`,
      headers: { ...forwardedHeaders(request), 'content-type': contentType ?? 'application/json' },
      body,
    });
    relay(response, answer);
  }
}
