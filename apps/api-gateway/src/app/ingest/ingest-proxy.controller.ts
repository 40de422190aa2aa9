import { Controller, Headers, HttpCode, NotFoundException, Param, Post, Req, Res, type Type } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { IngestResultDto } from '@datalake/dto';
import { ALL_TOPICS, isTopic, type Topic, topicTypeName } from '@datalake/kafka-schemas';
import { ApiAuthenticatedRoute, type RouteDoc } from '../http/api-docs';
import { Authenticated } from '../http/authenticated.decorator';
import { forwardedHeaders, relay, Upstreams } from '../upstream/upstreams';

/** Largest ingestion body (DESIGN.md: 413 past 5 MB); the gateway reads it raw and forwards the bytes. */
export const INGEST_BODY_LIMIT = '5mb';
export const INGEST_PATH = /^\/ingest\/[^/?]+\/?(\?|$)/;

/** Component name of a topic's payload schema, generated from its payload class (see openapi.ts). */
export function payloadSchemaName(topic: Topic): string {
  return `${topicTypeName(topic)}Payload`;
}

const INGEST_DOC: Omit<RouteDoc, 'operationId' | 'summary'> = {
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
    {
      status: 400,
      description:
        'Body is not a JSON object, array or NDJSON, or nests deeper than 33 levels (an NDJSON line deeper than 32); a record with an impossible date (e.g. 2026-02-30) is a per-record error in `errors[]`',
    },
    { status: 404, description: 'Unknown topic' },
    { status: 413, description: 'Body over 5 MB' },
    {
      status: 503,
      description:
        'Kafka acknowledged none of the valid records. The message says whether none was sent ("no record was accepted") or a request was in flight ("N record(s) may have been stored"); retrying is safe either way',
    },
  ],
};

/** Forwards the body's bytes to the ingest service as they came (JSON or NDJSON). */
async function forwardIngest(
  upstreams: Upstreams,
  topic: Topic,
  contentType: string | undefined,
  request: Request,
  response: Response,
): Promise<void> {
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const answer = await upstreams.get('ingest-producer-service').call({
    caller: request.user,
    method: 'POST',
    path: `/ingest/${topic}`,
    headers: { ...forwardedHeaders(request), 'content-type': contentType ?? 'application/json' },
    body,
  });
  relay(response, answer);
}

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
    description:
      'A JSON object, a JSON array of records, or NDJSON (one record per line); at most 5 MB. The typed operations per topic (e.g. `ingestTransactions`) describe the records.',
    schema: {
      oneOf: [
        { type: 'object' },
        { type: 'array', items: { type: 'object' } },
        { type: 'string', description: 'NDJSON' },
      ],
    },
  })
  @ApiAuthenticatedRoute({
    ...INGEST_DOC,
    operationId: 'ingestRecords',
    summary: 'Ingest records into a topic: valid ones are produced to Kafka, invalid ones reported',
  })
  async ingest(
    @Param('topic') topic: string,
    @Headers('content-type') contentType: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    if (!isTopic(topic)) throw new NotFoundException(`unknown topic; use one of ${ALL_TOPICS.join(', ')}`);
    await forwardIngest(this.upstreams, topic, contentType, request, response);
  }
}

/**
 * `POST /ingest/<topic>` for one topic: the same route as `/ingest/{topic}`, documented with the
 * topic's own record schema and operationId (`ingestTransactions`) for client generators.
 */
export function createTopicIngestController(topic: Topic): Type {
  const name = topicTypeName(topic);
  const payload = { $ref: `#/components/schemas/${payloadSchemaName(topic)}` };

  @ApiTags('ingest')
  @Controller('ingest')
  class TopicIngestController {
    constructor(readonly upstreams: Upstreams) {}

    @Post(topic)
    @HttpCode(202)
    @Authenticated({ admin: true })
    @ApiConsumes('application/json', 'application/x-ndjson')
    @ApiBody({
      description: `One ${topic} record, a JSON array of them, or NDJSON (one per line); at most 5 MB. Unknown fields are dropped.`,
      schema: {
        oneOf: [
          payload,
          { type: 'array', items: payload },
          { type: 'string', description: 'NDJSON: one record per line' },
        ],
      },
    })
    @ApiAuthenticatedRoute({
      ...INGEST_DOC,
      operationId: `ingest${name}`,
      summary: `Ingest ${topic} records: valid ones are produced to Kafka, invalid ones reported`,
    })
    async ingest(
      @Headers('content-type') contentType: string | undefined,
      @Req() request: Request,
      @Res() response: Response,
    ): Promise<void> {
      await forwardIngest(this.upstreams, topic, contentType, request, response);
    }
  }

  Object.defineProperty(TopicIngestController, 'name', { value: `Ingest${name}ProxyController` });
  return TopicIngestController;
}
